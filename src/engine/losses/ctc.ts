import type { OpSpec } from '../op';

/** Ops of this family (being written). */
export const sequenceOps: OpSpec[] = [];
