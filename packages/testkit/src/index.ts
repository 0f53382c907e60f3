export {
  expectLinearScaling,
  measureScaling,
  type ScalingOptions,
  type ScalingResult,
} from './scaling.js';
