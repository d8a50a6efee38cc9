import type { Stat } from '../jute/records/data';
import { OpCode } from '../protocol/op-code';

/**
 * OpResult: one op's outcome in a multi. `kind` tells them apart in TypeScript; `type` is
 * Java's getType() (the opcode, OpCode.error for ErrorResult).
 */
export class CreateResult {
  readonly kind = 'create' as const;
  constructor(
    readonly path: string,
    /** Only for create2-style ops; a multi's plain create has none (Java's null). */
    readonly stat: Stat | null = null,
    readonly type: number = stat ? OpCode.create2 : OpCode.create,
  ) {}
}

export class DeleteResult {
  readonly kind = 'delete' as const;
  readonly type = OpCode.delete;
}

export class SetDataResult {
  readonly kind = 'setData' as const;
  readonly type = OpCode.setData;
  constructor(readonly stat: Stat) {}
}

export class CheckResult {
  readonly kind = 'check' as const;
  readonly type = OpCode.check;
}

export class GetChildrenResult {
  readonly kind = 'getChildren' as const;
  readonly type = OpCode.getChildren;
  constructor(readonly children: string[]) {}
}

export class GetDataResult {
  readonly kind = 'getData' as const;
  readonly type = OpCode.getData;
  constructor(
    readonly data: Buffer | null,
    readonly stat: Stat,
  ) {}
}

/**
 * An op that failed, or that did not run because another op failed: in a failed
 * transaction the ops before the culprit report OK (0), the culprit its error, the rest
 * RuntimeInconsistency (-2) — exactly as the server answers.
 */
export class ErrorResult {
  readonly kind = 'error' as const;
  readonly type = OpCode.error;
  constructor(readonly err: number) {}
}

export type OpResult = CreateResult | DeleteResult | SetDataResult | CheckResult | GetChildrenResult | GetDataResult | ErrorResult;
