import { cesqlError, type CesqlError } from '../errors.js';
import type { BinaryOperator, Node } from './ast.js';
import { tokenize, type Token } from './lexer.js';
import { INT32_MAX, INT32_MIN } from './values.js';

/**
 * Recursive-descent parser for CESQL v1. Binding power follows §3.6, loosest first:
 *   AND / OR / XOR  (one level, right-associative as in the spec's ANTLR grammar)
 *   comparisons  = != <> < <= > >=
 *   + -
 *   * / %
 *   LIKE / IN postfix on an operand, [NOT] LIKE 'pattern', [NOT] IN (set)
 *   NOT x, -x        (unary, bind tighter than any binary operator)
 *   primary: literal, identifier, EXISTS id, function call, ( expression )
 * Arithmetic and comparisons group left to right.
 *
 * Depth is bounded so that no expression can exhaust the stack (a RangeError would escape
 * the compiler): at most MAX_NESTING nested parentheses, NOT, unary minus, function calls
 * and IN sets, and a syntax tree at most MAX_TREE_DEPTH deep (long operator chains such as
 * `a OR b OR ...` nest the tree, not the parser). Deeper input is a normal parse error.
 */
export type ParseResult = { ok: true; ast: Node } | { ok: false; error: CesqlError };

const LOGIC = new Set(['AND', 'OR', 'XOR']);
const COMPARISON = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);
const ADDITIVE = new Set(['+', '-']);
const MULTIPLICATIVE = new Set(['*', '/', '%']);

/** Nested parentheses, NOT, unary minus, calls and IN sets accepted (far past hand-written filters). */
export const MAX_NESTING = 128;
/** Depth of the syntax tree accepted: the compiler and the evaluator recurse this deep. */
export const MAX_TREE_DEPTH = 1000;

/** Parse an expression into its syntax tree, or return the first parse error with its position. */
export function parse(src: string): ParseResult {
  const lexed = tokenize(src);
  if (!lexed.ok) return lexed;
  try {
    const p = new Parser(lexed.tokens);
    const ast = p.expression();
    p.expectEnd();
    checkTreeDepth(ast);
    return { ok: true, ast };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: e.error };
    throw e;
  }
}

/** Thrown inside the parser only, to unwind recursion; never escapes `parse`. */
class ParseFailure extends Error {
  constructor(readonly error: CesqlError) {
    super(error.message);
  }
}

class Parser {
  private i = 0;
  private nesting = 0;

  constructor(private readonly tokens: Token[]) {}

  /** `a AND b OR c`: one level, grouped to the right, read in a loop so chains cost no stack. */
  expression(): Node {
    return this.nested(() => {
      const operands = [this.comparison()];
      const ops: Token[] = [];
      for (let t = this.peek(); t.kind === 'keyword' && LOGIC.has(t.text); t = this.peek()) {
        this.i++;
        ops.push(t);
        operands.push(this.comparison());
      }
      let node = operands[operands.length - 1] as Node;
      for (let k = ops.length - 1; k >= 0; k--) {
        const op = ops[k] as Token;
        const left = operands[k] as Node;
        node = {
          kind: 'binary',
          op: op.text as BinaryOperator,
          left,
          right: node,
          position: op.position,
        };
      }
      return node;
    });
  }

  /** Runs one nested construct, refusing to go deeper than MAX_NESTING. */
  private nested<T>(parse: () => T): T {
    if (this.nesting >= MAX_NESTING) {
      this.fail(`expression is nested deeper than ${MAX_NESTING} levels`, this.peek());
    }
    this.nesting++;
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(`unexpected ${describe(t)}`, t);
  }

  private comparison(): Node {
    return this.leftAssoc(COMPARISON, () => this.additive());
  }

  private additive(): Node {
    return this.leftAssoc(ADDITIVE, () => this.multiplicative());
  }

  private multiplicative(): Node {
    return this.leftAssoc(MULTIPLICATIVE, () => this.postfix());
  }

  private leftAssoc(ops: Set<string>, next: () => Node): Node {
    let left = next();
    for (let t = this.peek(); t.kind === 'operator' && ops.has(t.text); t = this.peek()) {
      this.i++;
      const right = next();
      left = { kind: 'binary', op: t.text as BinaryOperator, left, right, position: t.position };
    }
    return left;
  }

  /** `x [NOT] LIKE 'p'` and `x [NOT] IN (...)`, repeatable: `a LIKE 'x' IN (TRUE)`. */
  private postfix(): Node {
    let operand = this.unary();
    for (;;) {
      const t = this.peek();
      const negated = isKeyword(t, 'NOT');
      const op = negated ? this.peek(1) : t;
      if (isKeyword(op, 'LIKE')) {
        this.i += negated ? 2 : 1;
        const pattern = this.next();
        // §3.4.3: the pattern must be a string literal, never an expression.
        if (pattern.kind !== 'string') this.fail('LIKE pattern must be a string literal', pattern);
        operand = { kind: 'like', operand, pattern: pattern.text, negated, position: t.position };
      } else if (isKeyword(op, 'IN')) {
        this.i += negated ? 2 : 1;
        operand = { kind: 'in', operand, set: this.set(), negated, position: t.position };
      } else {
        return operand;
      }
    }
  }

  private set(): Node[] {
    this.expect('(', 'IN needs a parenthesised set');
    // §3.4.5: n > 0, the empty set is a syntax error.
    const items = [this.expression()];
    while (this.peek().kind === ',') {
      this.i++;
      items.push(this.expression());
    }
    this.expect(')', "expected ',' or ')' in IN set");
    return items;
  }

  private unary(): Node {
    const t = this.peek();
    if (isKeyword(t, 'NOT')) {
      this.i++;
      return { kind: 'not', operand: this.nested(() => this.unary()), position: t.position };
    }
    if (t.kind === 'operator' && t.text === '-') {
      this.i++;
      // "- 2147483648" (with a space) still denotes the most negative Integer.
      const digits = this.peek();
      if (digits.kind === 'integer' && !digits.signed && Number(digits.text) === -INT32_MIN) {
        this.i++;
        return { kind: 'literal', value: INT32_MIN, position: t.position };
      }
      return { kind: 'negate', operand: this.nested(() => this.unary()), position: t.position };
    }
    return this.primary();
  }

  private primary(): Node {
    const t = this.next();
    switch (t.kind) {
      case 'integer':
        return { kind: 'literal', value: this.integer(t), position: t.position };
      case 'string':
        return { kind: 'literal', value: t.text, position: t.position };
      case 'identifier':
        return { kind: 'identifier', name: t.text, position: t.position };
      case 'function':
        return this.call(t);
      case '(': {
        const inner = this.expression();
        this.expect(')', "expected ')'");
        return inner;
      }
      case 'keyword':
        return this.keywordPrimary(t);
      default:
        return this.fail(`unexpected ${describe(t)}`, t);
    }
  }

  private keywordPrimary(t: Token): Node {
    if (t.text === 'TRUE' || t.text === 'FALSE') {
      return { kind: 'literal', value: t.text === 'TRUE', position: t.position };
    }
    if (t.text === 'EXISTS') {
      const id = this.next();
      if (id.kind !== 'identifier') this.fail('EXISTS needs an attribute name', id);
      return { kind: 'exists', name: id.text, position: t.position };
    }
    return this.fail(`unexpected ${describe(t)}`, t);
  }

  private call(t: Token): Node {
    this.expect('(', "expected '('");
    const args: Node[] = [];
    if (this.peek().kind !== ')') {
      args.push(this.expression());
      while (this.peek().kind === ',') {
        this.i++;
        args.push(this.expression());
      }
    }
    this.expect(')', "expected ',' or ')' in argument list");
    return { kind: 'call', name: t.text, args, position: t.position };
  }

  /** Integer literals must be valid 32-bit signed values (§2.2); the sign is part of the literal. */
  private integer(t: Token): number {
    const n = Number(t.text);
    if (n < INT32_MIN || n > INT32_MAX) {
      this.fail(`integer literal ${t.text} is out of the 32-bit range`, t);
    }
    return n === 0 ? 0 : n;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private expect(kind: Token['kind'], message: string): void {
    const t = this.next();
    if (t.kind !== kind) this.fail(`${message}, found ${describe(t)}`, t);
  }

  private fail(message: string, t: Token): never {
    throw new ParseFailure(cesqlError('parse', `${message} at position ${t.position}`, t.position));
  }
}

/** Refuses a tree deeper than MAX_TREE_DEPTH; walks with an explicit stack, never recursion. */
function checkTreeDepth(root: Node): void {
  const stack: Array<[Node, number]> = [[root, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (depth > MAX_TREE_DEPTH) {
      throw new ParseFailure(
        cesqlError(
          'parse',
          `expression is deeper than ${MAX_TREE_DEPTH} operators at position ${node.position}`,
          node.position,
        ),
      );
    }
    for (const child of children(node)) stack.push([child, depth + 1]);
  }
}

function children(node: Node): Node[] {
  switch (node.kind) {
    case 'not':
    case 'negate':
    case 'like':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'in':
      return [node.operand, ...node.set];
    case 'call':
      return node.args;
    default:
      return [];
  }
}

function isKeyword(t: Token, word: string): boolean {
  return t.kind === 'keyword' && t.text === word;
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of expression';
  if (t.kind === 'string') return 'string literal';
  return `'${t.text}'`;
}
