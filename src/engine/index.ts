export { Engine, type EventHandler } from './engine.js';
export { EventHeap } from './heap.js';
export { RandomStreams, type Rng } from './random.js';
export { compile, mean, scaled, gammaFn, type Distribution, type Sampler } from './distributions.js';
