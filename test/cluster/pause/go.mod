module github.com/knative-ts/eventing/test/cluster/pause

go 1.24.0
