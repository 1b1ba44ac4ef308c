/**
 * The engine's public surface: tensors, errors, the op registry and every op function.
 * Pure TypeScript over Float64Array; no `vscode`, Node built-ins or DOM.
 */
export * from './errors';
export * from './tensor';
export * from './kernels';
export * from './reduce';
export * from './op';
export { OpRegistry, registry } from './registry';
export * from './softmax';
export * from './scalar';
export * from './losses/crossEntropy';
export * from './losses/kl';
export * from './losses/binary';
export * from './losses/information';
export * from './losses/timm';
export * from './losses/distillation';
export * from './losses/regression';
export * from './losses/margin';
export * from './losses/multilabelMargin';
export * from './losses/triplet';
export * from './losses/ctc';
export * from './breakdown';
export * from './diagnostics';
export * from './conventions';
export * from './float32';
