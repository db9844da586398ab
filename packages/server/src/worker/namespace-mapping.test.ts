import { describe, expect, it } from 'vitest';
import { destinationNamespace, mapStream, StreamMapper } from './namespace-mapping';

describe('destinationNamespace', () => {
  it('follows namespaceDefinition', () => {
    expect(destinationNamespace('public', { namespaceDefinition: 'source' })).toBe('public');
    expect(destinationNamespace('public', { namespaceDefinition: 'destination' })).toBeNull();
    expect(destinationNamespace('public', { namespaceDefinition: 'customformat', namespaceFormat: 'production_${SOURCE_NAMESPACE}' })).toBe('production_public');
  });

  it('treats an empty custom format result as the destination default', () => {
    expect(destinationNamespace(null, { namespaceDefinition: 'customformat', namespaceFormat: '${SOURCE_NAMESPACE}' })).toBeNull();
  });
});

describe('StreamMapper', () => {
  const settings = { namespaceDefinition: 'customformat' as const, namespaceFormat: 'production_${SOURCE_NAMESPACE}', prefix: 'raw_' };
  const mapper = new StreamMapper([mapStream({ name: 'customers', namespace: 'public' }, settings), mapStream({ name: 'orders', namespace: 'public' }, settings, 'sales')]);

  it('applies prefix and alias, and maps back', () => {
    expect(mapper.toDestination({ name: 'customers', namespace: 'public' })).toEqual({ name: 'raw_customers', namespace: 'production_public' });
    expect(mapper.toDestination({ name: 'orders', namespace: 'public' })).toEqual({ name: 'raw_sales', namespace: 'production_public' });
    expect(mapper.toSource({ name: 'raw_sales', namespace: 'production_public' })).toEqual({ name: 'orders', namespace: 'public' });
  });

  it('maps STATE descriptors both ways', () => {
    const state = { type: 'STREAM' as const, stream: { stream_descriptor: { name: 'orders', namespace: 'public' }, stream_state: { cursor: 5 } } };
    const there = mapper.stateToDestination(state);
    expect(there.stream?.stream_descriptor).toEqual({ name: 'raw_sales', namespace: 'production_public' });
    expect(mapper.stateToSource(there)).toEqual(state);
  });

  it('refuses two streams landing in one destination stream, as a config error', () => {
    const into = { namespaceDefinition: 'destination' as const };
    expect(() => new StreamMapper([mapStream({ name: 'a', namespace: 'x' }, into), mapStream({ name: 'a', namespace: 'y' }, into)])).toThrow(/both be written/);
  });
});
