import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, registerDecorator, type ValidationArguments } from 'class-validator';
import { ValidationFailed } from '../errors/common.errors.js';

/** A client's own tags on a resource: string keys to string values. */
export type Metadata = Record<string, string>;
/** A PATCH of metadata: a key set to null is removed, the others are set. */
export type MetadataPatch = Record<string, string | null>;

export const METADATA_MAX_KEYS = 50;
export const METADATA_KEY = /^[A-Za-z0-9_.-]{1,40}$/;
export const METADATA_MAX_VALUE_LENGTH = 500;

/** Why `value` is not metadata (naming the key at fault), or null when it is. */
export function metadataProblem(value: unknown, { nullRemoves = false } = {}): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'metadata must be an object of string values';
  const entries = Object.entries(value);
  if (entries.length > METADATA_MAX_KEYS) return `metadata takes at most ${METADATA_MAX_KEYS} keys`;
  for (const [key, item] of entries) {
    if (!METADATA_KEY.test(key))
      return `metadata key ${JSON.stringify(key)} must be 1 to 40 characters of A-Z a-z 0-9 _ . -`;
    if (item === null && nullRemoves) continue;
    if (typeof item !== 'string')
      return `metadata.${key} must be a string${nullRemoves ? ' (or null to remove it)' : ''}`;
    if (item.length > METADATA_MAX_VALUE_LENGTH)
      return `metadata.${key} must be at most ${METADATA_MAX_VALUE_LENGTH} characters`;
    if (item.includes('\u0000')) return `metadata.${key} must not contain NUL characters`; // jsonb cannot hold one
  }
  return null;
}

/** `current` with `patch` applied; null when nothing is left. More keys than allowed, in all: VALIDATION_FAILED. */
export function mergeMetadata(current: Metadata | null, patch: MetadataPatch): Metadata | null {
  const merged: Metadata = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  const keys = Object.keys(merged);
  if (keys.length > METADATA_MAX_KEYS) {
    const message = `metadata would hold ${keys.length} keys, at most ${METADATA_MAX_KEYS} are allowed`;
    throw new ValidationFailed('VALIDATION_FAILED', message, [{ field: 'metadata', message }]);
  }
  return keys.length ? merged : null;
}

/** The same metadata however its keys were ordered, for comparing requests; none and `{}` are alike. */
export function canonicalMetadata(metadata: Metadata | null | undefined): string | null {
  if (!metadata || !Object.keys(metadata).length) return null;
  return JSON.stringify(Object.fromEntries(Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

const DESCRIPTION =
  `Your own tags: at most ${METADATA_MAX_KEYS} keys of 1 to 40 characters (A-Z a-z 0-9 _ . -), each with a string value of at most ` +
  `${METADATA_MAX_VALUE_LENGTH} characters. Lists filter on it: \`metadata[key]=value\`.`;

/** A request body's `metadata`; with `nullRemoves` (a PATCH), a key set to null is removed. */
export function IsMetadata({ nullRemoves = false } = {}) {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'object',
      additionalProperties: {
        type: 'string',
        maxLength: METADATA_MAX_VALUE_LENGTH,
        ...(nullRemoves && { nullable: true }),
      },
      maxProperties: METADATA_MAX_KEYS,
      example: { orderId: 'A-17' },
      description: nullRemoves
        ? `${DESCRIPTION} Merged into what is there: a key set to \`null\` is removed.`
        : DESCRIPTION,
    }),
    IsOptional(),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isMetadata',
        target: target.constructor,
        propertyName: String(propertyName),
        validator: {
          validate: (value: unknown) => metadataProblem(value, { nullRemoves }) === null,
          defaultMessage: (args?: ValidationArguments) =>
            metadataProblem(args?.value, { nullRemoves }) ?? 'invalid metadata',
        },
      }),
  );
}
