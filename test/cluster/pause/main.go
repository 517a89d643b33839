// The pod sandbox ("pause") image's only program: it holds the pod's namespaces for the
// pod's lifetime, reaps children orphaned into it (it is PID 1 of the pod), and exits at
// once on SIGTERM or SIGINT so a pod delete never waits out its grace period.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
