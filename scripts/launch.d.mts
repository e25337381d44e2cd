/** The module to run from the checkout at `root`: dist/main.js when it is current, else src/main.ts. */
export function entryFor(root: string): string;
