import type { Value } from './values.js';

/** Binary operators of §2.3, by their canonical spelling (`<>` is kept apart from `!=`). */
export type BinaryOperator =
  '*' | '/' | '%' | '+' | '-' | '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR' | 'XOR';

/** A CESQL syntax tree node; `position` is the offset of the node's operator or first token. */
export type Node =
  | { kind: 'literal'; value: Value; position: number }
  | { kind: 'identifier'; name: string; position: number }
  | { kind: 'not'; operand: Node; position: number }
  | { kind: 'negate'; operand: Node; position: number }
  | { kind: 'binary'; op: BinaryOperator; left: Node; right: Node; position: number }
  | { kind: 'like'; operand: Node; pattern: string; negated: boolean; position: number }
  | { kind: 'in'; operand: Node; set: Node[]; negated: boolean; position: number }
  | { kind: 'exists'; name: string; position: number }
  | { kind: 'call'; name: string; args: Node[]; position: number };
