// The package version, reported by GET /-/health.
import pkg from '../../package.json';

export const VERSION: string = pkg.version;
