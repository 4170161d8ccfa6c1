// GET /-/health: the provider says who it is (the extension's probe reads `service`).

export const HEALTH_PATH = '/-/health';

export interface HealthResponse {
  service: 'tessera';
  version: string;
  status: 'ok';
}
