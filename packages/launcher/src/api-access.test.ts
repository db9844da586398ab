import { expect, test } from 'vitest';
import { apiOptionsFromEnv } from '@platform/server';
import { apiClientUrl, apiServerEnv, loginHint } from './api-access';
import { ConfigError, DEFAULT_CONFIG_DIR, loadPlatformConfig } from './config';

const load = (env: Record<string, string>) => loadPlatformConfig(DEFAULT_CONFIG_DIR, {}, env);

test('by default the API binds loopback, needs no login and lets the web UI’s origin in', () => {
  const { api } = load({});
  expect(api).toEqual({ host: '127.0.0.1', allowedHosts: [], allowedOrigins: ['http://localhost:8000', 'http://127.0.0.1:8000'], auth: { mode: 'none' } });
  expect(loginHint(apiClientUrl(api, 8001), undefined)).toBe('API login: none needed (loopback only; api.auth.mode in config/platform.yaml turns basic auth on)');
});

test('a network bind turns basic auth on and refuses Airbyte’s default password', () => {
  expect(() => load({ PLATFORM_API_HOST: '0.0.0.0' })).toThrow(ConfigError);
  expect(() => load({ PLATFORM_API_HOST: '0.0.0.0' })).toThrow(/binds 0\.0\.0\.0, reachable from the network, with the default password "password"; set BASIC_AUTH_PASSWORD/);
  const { api } = load({ PLATFORM_API_HOST: '0.0.0.0', BASIC_AUTH_PASSWORD: 's3cret-Pw', PLATFORM_API_ALLOWED_HOSTS: 'airlock.lan, 192.168.1.5' });
  expect(api.auth).toEqual({ mode: 'basic', username: 'airbyte', password: 's3cret-Pw' });
  expect(api.allowedHosts).toEqual(['airlock.lan', '192.168.1.5']);
  expect(apiClientUrl(api, 8001)).toBe('http://127.0.0.1:8001');
  // The password is never printed unless it is the public default.
  const hint = loginHint('http://127.0.0.1:8001', { username: 'airbyte', password: 's3cret-Pw' });
  expect(hint).not.toContain('s3cret-Pw');
  expect(hint).toContain('user "airbyte", the password set in BASIC_AUTH_PASSWORD');
  expect(hint).toContain('curl -u airbyte:"$BASIC_AUTH_PASSWORD" -X POST http://127.0.0.1:8001/api/v1/workspaces/list');
});

test('auth is configurable both ways', () => {
  expect(load({ PLATFORM_API_AUTH: 'basic' }).api.auth).toEqual({ mode: 'basic', username: 'airbyte', password: 'password' });
  expect(loginHint('http://127.0.0.1:8001', { username: 'airbyte', password: 'password' })).toContain(`password "password" (Airbyte's default`);
  expect(load({ PLATFORM_API_HOST: '0.0.0.0', PLATFORM_API_AUTH: 'none' }).api.auth).toEqual({ mode: 'none' });
  expect(() => load({ PLATFORM_API_AUTH: 'maybe' })).toThrow(/api\.auth\.mode must be one of auto, basic, none, got "maybe"/);
});

test('the server parses the environment the launcher gives it into the same settings', () => {
  const { api, ports } = load({ PLATFORM_API_HOST: '0.0.0.0', BASIC_AUTH_PASSWORD: 'pw', PLATFORM_WEBAPP_PORT: '18000', PLATFORM_API_ALLOWED_ORIGINS: 'https://ui.example' });
  const options = apiOptionsFromEnv(apiServerEnv(api, ports.api));
  expect(options).toMatchObject({ host: '0.0.0.0', port: 8001, allowedOrigins: ['http://localhost:18000', 'http://127.0.0.1:18000', 'https://ui.example'] });
  expect(options.authenticators).toHaveLength(1);
  expect(options.authenticators![0].authenticate(`Basic ${Buffer.from('airbyte:pw').toString('base64')}`)).toBe(true);
  // Loopback: credentials the launcher's shell may carry are blanked, and the server serves without a login.
  expect(apiOptionsFromEnv(apiServerEnv(load({ BASIC_AUTH_PASSWORD: 'x' }).api, 8001)).authenticators).toEqual([]);
});

test('a bad allowed origin names the key', () => {
  expect(() => load({ PLATFORM_API_ALLOWED_ORIGINS: 'http://ui.example/app' })).toThrow(/api\.allowed_origins: "http:\/\/ui\.example\/app" is not an origin/);
});
