// Form generation from a connector spec, one JSON-Schema / Airbyte feature per test, rendered
// by @rjsf/core in jsdom exactly as the pages render it.
import type Form from '@rjsf/core';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { createRef, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { apiErrorsToErrorSchema, discriminatorOf, SECRET_MASK } from './spec-form';
import { SpecFormFields, type SpecFormFieldsProps } from './SpecFormFields';

const SPEC = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['host', 'port', 'password'],
  properties: {
    unordered: { type: 'string', title: 'Zeta without order' },
    port: { type: 'integer', title: 'Port', default: 5432, minimum: 0, maximum: 65536, order: 1, examples: ['5432'] },
    host: { type: 'string', title: 'Host', description: 'Hostname of the database.', order: 0, examples: ['db.example.com'] },
    password: { type: 'string', title: 'Password', airbyte_secret: true, order: 2 },
    file_format: { type: 'string', title: 'Format', enum: ['csv', 'parquet'], default: 'parquet', order: 3 },
    bucket: { type: 'string', title: 'Bucket', pattern: '^[a-z0-9.-]{3,63}$', order: 4 },
    schemas: { type: 'array', title: 'Schemas', items: { type: 'string' }, default: ['public'], order: 5 },
    tunnel: { type: 'object', title: 'Tunnel', order: 6, properties: { tunnel_port: { type: 'integer', title: 'Tunnel port', default: 22 } } },
    ssl_mode: {
      type: 'object',
      title: 'SSL Modes',
      order: 7,
      default: { mode: 'prefer' },
      oneOf: [
        { title: 'disable', required: ['mode'], properties: { mode: { type: 'string', const: 'disable', order: 0 } } },
        { title: 'prefer', required: ['mode'], properties: { mode: { type: 'string', const: 'prefer', order: 0 } } },
        {
          title: 'verify-ca',
          required: ['mode', 'ca_certificate'],
          properties: { mode: { type: 'string', const: 'verify-ca', order: 0 }, ca_certificate: { type: 'string', title: 'CA Certificate', airbyte_secret: true, multiline: true, order: 1 } },
        },
      ],
    },
    hidden_field: { type: 'string', title: 'Hidden', airbyte_hidden: true, default: 'x' },
    format: {
      type: 'object',
      title: 'Output Format',
      order: 8,
      oneOf: [
        { title: 'CSV', required: ['format_type'], properties: { format_type: { title: 'Format Type', type: 'string', enum: ['CSV'], default: 'CSV' } } },
        {
          title: 'Parquet',
          required: ['format_type'],
          properties: { format_type: { title: 'Format Type', type: 'string', enum: ['Parquet'], default: 'Parquet' }, block_size_mb: { title: 'Block Size (MB)', type: 'integer', default: 128 } },
        },
      ],
    },
  },
};

/** The form as a page holds it: the value in state; `latest()` is what the page would send. */
function renderForm(initial: Record<string, unknown> = {}, extra: Partial<SpecFormFieldsProps> = {}) {
  let current = initial;
  const formRef = createRef<Form>();
  function Harness() {
    const [value, setValue] = useState(initial);
    return (
      <SpecFormFields
        spec={SPEC}
        value={value}
        formRef={formRef}
        onChange={(v) => {
          current = v;
          setValue(v);
        }}
        {...extra}
      />
    );
  }
  const view = render(<Harness />);
  return { view, formRef, latest: () => current };
}

const input = (label: string) => screen.getByLabelText(new RegExp(`^${label}`)) as HTMLInputElement;

afterEach(cleanup);

describe('form generated from a connector spec', () => {
  it('orders fields by `order`, those without one after', () => {
    renderForm();
    const labels = [...document.querySelectorAll('label.control-label, legend')].map((l) => l.textContent?.replace(/\*$/, '').trim()).filter(Boolean);
    const top = ['Host', 'Port', 'Password', 'Format', 'Bucket', 'Schemas', 'Tunnel', 'SSL Modes', 'Output Format', 'Zeta without order'];
    expect(labels.filter((l) => top.includes(l!))).toEqual(top);
  });

  it('shows titles and descriptions, and the first example as a placeholder', () => {
    renderForm();
    expect(input('Host')).toBeTruthy();
    expect(screen.getByText('Hostname of the database.')).toBeTruthy();
    expect(input('Host').placeholder).toBe('db.example.com');
    expect(input('Port').placeholder).toBe('5432');
  });

  it('fills defaults: scalars, enums, arrays, nested objects and the oneOf option', () => {
    const { latest } = renderForm();
    expect(input('Port').value).toBe('5432');
    expect(latest()).toMatchObject({ port: 5432, file_format: 'parquet', schemas: ['public'], tunnel: { tunnel_port: 22 }, ssl_mode: { mode: 'prefer' } });
  });

  it('renders an enum as a choice of its values', () => {
    renderForm();
    const select = input('Format') as unknown as HTMLSelectElement;
    expect(select.tagName).toBe('SELECT');
    expect([...select.options].map((o) => o.textContent).filter((t) => t !== '')).toEqual(['csv', 'parquet']);
  });

  it('renders airbyte_secret as a password input that shows the stored mask and keeps it when untouched', () => {
    const { latest } = renderForm({ host: 'db', port: 5432, password: SECRET_MASK });
    expect(input('Password').type).toBe('password');
    expect(input('Password').value).toBe(SECRET_MASK);
    fireEvent.change(input('Host'), { target: { value: 'db2' } });
    expect(latest()).toMatchObject({ host: 'db2', password: SECRET_MASK });
    fireEvent.change(input('Password'), { target: { value: 'new-secret' } });
    expect(latest().password).toBe('new-secret');
  });

  it('validates `pattern` and `required`, showing each error next to its field', () => {
    const { formRef } = renderForm({ port: 5432, bucket: 'Not A Bucket!' });
    let valid = true;
    act(() => {
      valid = formRef.current!.validateForm();
    });
    expect(valid).toBe(false);
    const bucketGroup = input('Bucket').closest('.form-group') as HTMLElement;
    expect(within(bucketGroup).getByText(/must match pattern/)).toBeTruthy();
    const hostGroup = input('Host').closest('.form-group') as HTMLElement;
    expect(within(hostGroup).getByText(/required/i)).toBeTruthy();
  });

  it('offers a oneOf as a choice of options discriminated by their const field, which is not an input', () => {
    const { latest } = renderForm({ ssl_mode: { mode: 'disable' } });
    expect(discriminatorOf(SPEC.properties.ssl_mode.oneOf as never)).toBe('mode');
    const fieldset = screen.getByText('SSL Modes').closest('fieldset') as HTMLElement;
    const choice = within(fieldset).getAllByRole('combobox')[0] as HTMLSelectElement;
    expect([...choice.options].map((o) => o.textContent)).toEqual(['disable', 'prefer', 'verify-ca']);
    expect(choice.selectedOptions[0].textContent).toBe('disable');
    expect(within(fieldset).queryByLabelText(/^mode/)).toBeNull();
    expect(screen.queryByLabelText(/^CA Certificate/)).toBeNull();

    fireEvent.change(choice, { target: { value: '2' } });
    expect(latest().ssl_mode).toEqual({ mode: 'verify-ca' });
    const certificate = screen.getByLabelText(/^CA Certificate/);
    expect(certificate.tagName).toBe('TEXTAREA');
    fireEvent.change(certificate, { target: { value: '-----BEGIN CERTIFICATE-----\nabc' } });
    expect(latest().ssl_mode).toEqual({ mode: 'verify-ca', ca_certificate: '-----BEGIN CERTIFICATE-----\nabc' });
  });

  it('discriminates a oneOf by a one-value enum too (Airbyte’s S3 format_type), filling it from the option', () => {
    const { latest } = renderForm({ format: { format_type: 'CSV' } });
    const fieldset = screen.getByText('Output Format').closest('fieldset') as HTMLElement;
    const choice = within(fieldset).getAllByRole('combobox')[0] as HTMLSelectElement;
    expect(choice.selectedOptions[0].textContent).toBe('CSV');
    expect(within(fieldset).queryByLabelText(/^Format Type/)).toBeNull();
    fireEvent.change(choice, { target: { value: '1' } });
    expect(latest().format).toEqual({ format_type: 'Parquet', block_size_mb: 128 });
  });

  it('edits nested objects and arrays', () => {
    const { latest } = renderForm();
    fireEvent.change(input('Tunnel port'), { target: { value: '2222' } });
    expect(latest().tunnel).toEqual({ tunnel_port: 2222 });
    const schemas = screen.getByText('Schemas').closest('fieldset') as HTMLElement;
    fireEvent.click(within(schemas).getByTitle('Add'));
    const items = within(schemas).getAllByRole('textbox') as HTMLInputElement[];
    expect(items).toHaveLength(2);
    fireEvent.change(items[1], { target: { value: 'sales' } });
    expect(latest().schemas).toEqual(['public', 'sales']);
  });

  it('hides airbyte_hidden fields', () => {
    renderForm();
    expect(screen.queryByLabelText(/^Hidden/)).toBeNull();
  });

  it('offers no “Add” for keys the spec does not name, even with additionalProperties', () => {
    render(<SpecFormFields spec={{ type: 'object', additionalProperties: true, properties: { a: { type: 'string', title: 'A' } } }} value={{}} onChange={() => undefined} />);
    expect(screen.queryByTitle('Add')).toBeNull();
  });

  it('shows the API’s 422 field errors next to their fields and returns the others apart', () => {
    const { errorSchema, other } = apiErrorsToErrorSchema([
      { path: 'connectionConfiguration.port', message: 'must be <= 65536' },
      { path: 'connectionConfiguration.ssl_mode.ca_certificate', message: 'is required' },
      { path: 'connectionConfiguration.schemas[1]', message: 'must be unique' },
      { path: 'name', message: 'must not be empty' },
    ]);
    expect(other).toEqual([{ path: 'name', message: 'must not be empty' }]);
    expect(errorSchema).toEqual({ port: { __errors: ['must be <= 65536'] }, ssl_mode: { ca_certificate: { __errors: ['is required'] } }, schemas: { 1: { __errors: ['must be unique'] } } });
    renderForm({ port: 70000 }, { extraErrors: errorSchema });
    const portGroup = input('Port').closest('.form-group') as HTMLElement;
    expect(within(portGroup).getByText('must be <= 65536')).toBeTruthy();
  });
});
