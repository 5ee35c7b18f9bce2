export { FLUSH_MS, type History, type HistoryOptions, openHistory } from './history.ts';
export { HISTORY_DIR, historyPaths, PER_FILE, parseHistory } from './history-file.ts';
export { recordTransitions } from './recorder.ts';
