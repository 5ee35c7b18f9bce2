export { openStore, type Store } from './store.ts';
export { STORE_FILE_NAME, STORE_VERSION } from './store-file.ts';
