import { Aws, CfnParameter, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { newStack } from './util';
import { renderDefinitionBody } from '../lib/private/definition-body';

/** CloudFormation values of every kind the definition can hold. */
function tokensOf(stack: Stack) {
  const bucket = new s3.Bucket(stack, 'Bucket');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const count = new CfnParameter(stack, 'Count', { type: 'Number', default: 2 });
  return {
    ref: bucket.bucketName,
    getAtt: role.roleArn,
    sub: Fn.sub('arn:${AWS::Partition}:s3:::${Name}/"quoted"\\path', { Name: bucket.bucketName }),
    pseudo: Aws.REGION,
    literalLazy: Lazy.string({ produce: () => 'lazy "text" with \\ and \n' }),
    numberRef: count.valueAsNumber,
    literalNumber: Lazy.number({ produce: () => 42 }),
  };
}

/** Asserts that the fast body resolves to exactly what `stack.toJsonString` resolves to (key order included). */
function expectSameAsToJsonString(stack: Stack, definition: Record<string, unknown>): unknown {
  const fast = stack.resolve(renderDefinitionBody(stack, definition));
  const reference = stack.resolve(stack.toJsonString(definition));
  expect(JSON.stringify(fast)).toEqual(JSON.stringify(reference));
  expect(fast).toEqual(reference);
  return fast;
}

describe('renderDefinitionBody', () => {
  test('a definition without CloudFormation values is one JSON string', () => {
    // GIVEN
    const { stack } = newStack();
    const definition = { Version: '2020-12-01', Steps: [{ Name: 'A', Arguments: { N: 1.5, B: true, C: null } }] };

    // WHEN
    const body = expectSameAsToJsonString(stack, definition);

    // THEN
    expect(body).toEqual(JSON.stringify(definition));
  });

  test('Ref, GetAtt and Fn::Sub tokens inside strings are spliced into an Fn::Join', () => {
    // GIVEN
    const { stack } = newStack();
    const t = tokensOf(stack);
    const definition = {
      RoleArn: t.getAtt,
      S3Uri: `s3://${t.ref}/prefix/${t.pseudo}`,
      Sub: t.sub,
      Mixed: `a "quoted" ${t.sub} and ${t.getAtt}\\`,
    };

    // WHEN
    const body = expectSameAsToJsonString(stack, definition) as Record<string, unknown[]>;

    // THEN
    expect(body['Fn::Join'][0]).toEqual('');
    expect(body['Fn::Join'][1]).toContainEqual({ Ref: 'Bucket83908E77' });
  });

  test('number tokens, literal lazies and lists of tokens', () => {
    // GIVEN
    const { stack } = newStack();
    const t = tokensOf(stack);

    // THEN
    expectSameAsToJsonString(stack, {
      Count: t.numberRef,
      Literal: t.literalNumber,
      Text: t.literalLazy,
      Printed: `n=${t.numberRef}`,
      List: [t.ref, t.getAtt, t.pseudo, 'plain', t.numberRef, [t.sub]],
    });
  });

  test('an own __proto__ key is dropped, as the CDK resolver drops it (found by the property test)', () => {
    // GIVEN
    const stack = new Stack();
    const definition = JSON.parse('{"__proto__": "", "a": 1}');
    // THEN
    expect(stack.resolve(renderDefinitionBody(stack, definition))).toEqual(stack.resolve(stack.toJsonString(definition)));
  });

  test('nested objects, empty collections, null, undefined and booleans', () => {
    // GIVEN
    const { stack } = newStack();
    const t = tokensOf(stack);

    // THEN
    expectSameAsToJsonString(stack, {
      Empty: {},
      EmptyList: [],
      Null: null,
      Skipped: undefined,
      List: [undefined, 1, undefined, { A: undefined, B: [] }],
      Flags: [true, false],
      Deep: { A: { B: { C: [{ D: t.ref, E: { F: [t.getAtt, {}] } }] } } },
      Numbers: [0, -0, -1.25, 1e21, 5e-7, Number.MAX_SAFE_INTEGER],
    });
  });

  test('unicode and characters that JSON escapes, in literals and around tokens', () => {
    // GIVEN
    const { stack } = newStack();
    const t = tokensOf(stack);
    const tricky = 'quote " backslash \\ newline \n tab \t cr \r line-sep \u2028 para-sep \u2029 nul \u0000 emoji 🚀 é 日本';

    // THEN
    expectSameAsToJsonString(stack, {
      [tricky]: tricky,
      Around: `${tricky}${t.ref}${tricky}${t.getAtt}`,
      List: [tricky, `${t.sub}${tricky}`],
    });
  });

  test('tokens in object keys become keys of the JSON text', () => {
    // GIVEN
    const { stack } = newStack();
    const t = tokensOf(stack);

    // THEN: keys that resolve to text and keys that are intrinsics
    expectSameAsToJsonString(stack, {
      Tags: { [t.literalLazy]: 'a', [t.ref]: t.getAtt, [`prefix-${t.pseudo}`]: 1, plain: 2 },
    });
  });

  test('token objects, dates and values already resolved by the CDK', () => {
    // GIVEN
    const { stack } = newStack();
    const t = tokensOf(stack);

    // THEN
    expectSameAsToJsonString(stack, {
      Intrinsic: Fn.getAtt('Role1ABCC5F0', 'Arn'),
      LazyObject: Lazy.any({ produce: () => ({ Bucket: t.ref, Values: [t.getAtt, 3] }) }),
      Resolved: stack.resolve(t.ref),
      LiteralIntrinsicShape: { Ref: 'NotAToken' },
      When: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      Literal: 'Token[not a token] and 1e+289 are plain text',
    });
  });

  test('values that JSON.stringify and the CDK treat differently take the exact walk', () => {
    // GIVEN
    const { stack } = newStack();
    const t = tokensOf(stack);
    class WithToJson {
      public readonly Kept = t.ref;
      public toJSON(): string {
        return 'replaced';
      }
    }
    const withToJson = new WithToJson();

    // THEN
    expectSameAsToJsonString(stack, {
      Sparse: [1, undefined, t.ref],
      WithToJson: withToJson,
      Boxed: [Object('boxed'), Object(3), Object(true)],
      Marker: '\u0001cdk-sagemaker-pipelines:0\u0001 is plain text here',
      EscapedMarker: '\\u0001cdk-sagemaker-pipelines:0\\u0001',
    });
  });

  test('functions fail as with the CDK stringify', () => {
    // GIVEN
    const { stack } = newStack();
    const definition = { Fn: () => 'x' };

    // THEN
    expect(() => stack.resolve(stack.toJsonString(definition))).toThrow(/non-data object/);
    expect(() => stack.resolve(renderDefinitionBody(stack, definition))).toThrow(/non-data object/);
  });

  test('list tokens fall back to the CDK stringify (a CdkJsonStringify custom resource)', () => {
    // GIVEN
    const { stack } = newStack();
    const subnets = new CfnParameter(stack, 'Subnets', { type: 'CommaDelimitedList' });

    // THEN
    expectSameAsToJsonString(stack, { Subnets: subnets.valueAsList, Other: 'x' });
  });

  test('a circular value fails as with the CDK stringify', () => {
    // GIVEN
    const { stack } = newStack();
    const circular: Record<string, unknown> = { A: 1 };
    circular.Self = circular;

    // THEN
    expect(() => stack.resolve(stack.toJsonString(circular))).toThrow(/circular/i);
    expect(() => stack.resolve(renderDefinitionBody(stack, circular))).toThrow(/circular/i);
  });

  test('property: equals stack.toJsonString for random JSON values mixing literals and CloudFormation tokens', () => {
    // GIVEN
    const { stack } = newStack();
    const t = tokensOf(stack);
    const stringTokens = [t.ref, t.getAtt, t.sub, t.pseudo, t.literalLazy];
    const literal = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('"', '\\', '\n', '\u2028', 'Token[', 'e+289', '{"Get":"x"}', ''),
    );
    const text = fc.array(fc.oneof(literal, fc.constantFrom(...stringTokens)), { maxLength: 4 }).map((parts) => parts.join(''));
    const number = fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.constantFrom(t.numberRef, t.literalNumber));
    const key = fc.oneof({ weight: 9, arbitrary: fc.string() }, { weight: 1, arbitrary: text });
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        text, number, fc.boolean(), fc.constant(null), fc.constant(undefined),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(key, tie('value'), { maxKeys: 5 }),
      ),
    }));

    // THEN: with undefined list items and token keys (the exact walk) and without (the JSON.stringify path)
    const jsonOnly = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        text, number, fc.boolean(), fc.constant(null),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    // and plain data (no number tokens: the native JSON.stringify without a replacer, tokens found in its text)
    const plainOnly = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        text, fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.oneof(value, jsonOnly, plainOnly), { maxKeys: 6 }), (definition) => {
      const body = renderDefinitionBody(stack, definition);
      const reference = JSON.stringify(stack.resolve(stack.toJsonString(definition)));
      expect(JSON.stringify(stack.resolve(body))).toEqual(reference);
      expect(JSON.stringify(stack.resolve(body))).toEqual(reference); // again, from the cached text
    }), { numRuns: 300 });
  });

  test('resolving the same body again picks up CloudFormation values that changed in between', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const definition = { S3Uri: `s3://${bucket.bucketName}/x`, Name: bucket.bucketName };
    const body = renderDefinitionBody(stack, definition);
    const first = stack.resolve(body);

    // WHEN
    (bucket.node.defaultChild as s3.CfnBucket).overrideLogicalId('Renamed');

    // THEN
    const second = stack.resolve(body);
    expect(first).not.toEqual(second);
    expect(JSON.stringify(second)).toEqual(JSON.stringify(stack.resolve(stack.toJsonString(definition))));
    expect(JSON.stringify(second)).toContain('{"Ref":"Renamed"}');
  });

  test('the body is a string token that resolves in the template', () => {
    // GIVEN
    const { stack } = newStack();
    const t = tokensOf(stack);

    // WHEN
    const body = renderDefinitionBody(stack, { S3Uri: `s3://${t.ref}/x` });

    // THEN
    expect(Token.isUnresolved(body)).toBe(true);
    expect(stack.resolve(body)).toEqual({ 'Fn::Join': ['', ['{"S3Uri":"s3://', { Ref: 'Bucket83908E77' }, '/x"}']] });
  });
});
