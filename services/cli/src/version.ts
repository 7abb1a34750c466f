// The version every component reports (health, OpenAPI, signals' source).
export const VERSION = '0.1.0';
