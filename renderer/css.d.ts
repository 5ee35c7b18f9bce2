// Stylesheets are imported for their side effect; Vite turns them into files the CSP allows.
declare module '*.css';
