export {
  type ConnectionViews,
  type ConnectionViewsOptions,
  createConnectionViews,
  type ManagerLike,
} from './connection-views.ts';
export { viewsDelta } from './delta.ts';
export { Ring } from './ring.ts';
export { statePath, transitionRecord } from './transitions.ts';
export { createViewStream, FRAME_MS, type FullViews, type ViewStream } from './view-stream.ts';
