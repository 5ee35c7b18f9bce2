// The fault proxy is product code now (the demo's blackhole control uses it); tests keep
// importing it from here.
export * from '../../main/app/fault-proxy.ts';
