// The generated fields of a connector spec: @rjsf/core with the ajv8 validator over
// specForm's schema and uiSchema. `const` values fill in by themselves, so choosing a oneOf
// option sets its discriminator.
import Form from '@rjsf/core';
import type { ErrorSchema, MultiSchemaFieldTemplateProps } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useMemo, type Ref } from 'react';
import { specForm } from './spec-form';

export interface SpecFormFieldsProps {
  spec: Record<string, unknown>;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  /** Errors from the API, shown next to their fields. */
  extraErrors?: ErrorSchema;
  formRef?: Ref<Form>;
}

/** A oneOf as Airbyte shows it: its title and description, the choice of option, then the option's fields. */
function OneOfTemplate({ schema, selector, optionSchemaField }: MultiSchemaFieldTemplateProps) {
  return (
    <fieldset className="one-of" aria-label={schema.title}>
      {schema.title && <legend>{schema.title}</legend>}
      {schema.description && <p className="field-description">{schema.description}</p>}
      {selector}
      {optionSchemaField}
    </fieldset>
  );
}

const TEMPLATES = { MultiSchemaFieldTemplate: OneOfTemplate };

export function SpecFormFields({ spec, value, onChange, extraErrors, formRef }: SpecFormFieldsProps) {
  const { schema, uiSchema } = useMemo(() => specForm(spec), [spec]);
  return (
    <Form
      ref={formRef}
      schema={schema}
      uiSchema={uiSchema}
      formData={value}
      validator={validator}
      templates={TEMPLATES}
      extraErrors={extraErrors}
      showErrorList={false}
      noHtml5Validate
      experimental_defaultFormStateBehavior={{ constAsDefaults: 'always' }}
      onChange={(e) => onChange(e.formData as Record<string, unknown>)}
    />
  );
}
