import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { SimulationInputError } from '../../simulator/errors';
import type { InjectedFailure, SimulationValue, StepSimulationInputs } from '../../simulator/options';
import { simulate } from '../../simulator/simulator';
import { CliContext, CliError, collect, splitAssignment } from '../context';

interface SimulateFlags {
  readonly pipeline?: string;
  readonly param?: string[];
  readonly propertyFile?: string[];
  readonly jsonGet?: string[];
  readonly stepOutput?: string[];
  readonly fail?: string[];
  readonly json?: boolean;
}

/**
 * `simulate <cdk.out folder | template.json | definition.json> [--pipeline ID] [--param NAME=VALUE]...
 * [--property-file STEP.FILE=path.json]... [--json-get S3URI=path.json]... [--step-output STEP.NAME=VALUE]...
 * [--fail STEP=EXCEPTION_TYPE[:ATTEMPTS]]... [--json]`: runs the pipeline's definition offline and prints
 * the trace (a table, or one JSON object with `--json`). Exits 0 with `--json` whatever the execution's
 * status, else 1 when the execution fails; 2 on bad input.
 */
export function registerSimulate(program: Command, context: CliContext): void {
  program.command('simulate')
    .description('run a pipeline definition offline (no AWS account): every step type, conditions, retries, property references; print what would happen')
    .argument('<source>', 'cdk.out folder, *.template.json or definition JSON file')
    .option('--pipeline <id>', 'logical id or name of the pipeline when the source holds several')
    .option('--param <NAME=VALUE>', 'a pipeline parameter value (repeatable)', collect)
    .option('--property-file <STEP.FILE=path.json>', 'contents of property file FILE of processing step STEP (repeatable)', collect)
    .option('--json-get <S3URI=path.json>', 'contents of the JSON document at S3URI read by Std:JsonGet (repeatable)', collect)
    .option('--step-output <STEP.NAME=VALUE>', 'output parameter NAME of Lambda or Callback step STEP (repeatable)', collect)
    .option('--fail <STEP=EXCEPTION_TYPE[:ATTEMPTS]>', 'fail STEP with EXCEPTION_TYPE on its first ATTEMPTS attempts, or on the listed ones (1,3), or on every attempt (repeatable)', collect)
    .option('--json', 'print the trace as one JSON object and exit 0 whatever the execution status')
    .action((source: string, flags: SimulateFlags) => {
      const steps: Record<string, Mutable<StepSimulationInputs>> = {};
      const stepInputs = (name: string): Mutable<StepSimulationInputs> => (steps[name] ??= {});
      const parameters: Record<string, SimulationValue> = {};
      for (const text of flags.param ?? []) {
        const [name, value] = splitAssignment('--param', text);
        parameters[name] = value;
      }
      for (const text of flags.propertyFile ?? []) {
        const [target, file] = splitFlag('--property-file', text, 'STEP.FILE=path.json', 'AbaloneEval.EvaluationReport=evaluation.json');
        const [step, name] = splitStepDot('--property-file', target, 'STEP.FILE', 'AbaloneEval.EvaluationReport=evaluation.json');
        stepInputs(step).propertyFiles = { ...stepInputs(step).propertyFiles, [name]: readJson('--property-file', file, context) };
      }
      const s3Objects: Record<string, unknown> = {};
      for (const text of flags.jsonGet ?? []) {
        const at = text.lastIndexOf('=');
        if (at <= 0) {
          throw new CliError(`--json-get '${text}': expected S3URI=path.json, e.g. --json-get s3://bucket/metrics.json=metrics.json.`);
        }
        s3Objects[text.slice(0, at)] = readJson('--json-get', text.slice(at + 1), context);
      }
      for (const text of flags.stepOutput ?? []) {
        const [target, value] = splitFlag('--step-output', text, 'STEP.NAME=VALUE', 'Prep.rows=120');
        const [step, name] = splitStepDot('--step-output', target, 'STEP.NAME', 'Prep.rows=120');
        stepInputs(step).outputParameters = { ...stepInputs(step).outputParameters, [name]: value };
      }
      for (const text of flags.fail ?? []) {
        const [step, spec] = splitFlag('--fail', text, 'STEP=EXCEPTION_TYPE[:ATTEMPTS]', 'Train=SageMaker.CAPACITY_ERROR:2');
        stepInputs(step).failures = [...(stepInputs(step).failures ?? []), parseFailure(text, spec)];
      }
      let trace;
      try {
        trace = simulate(path.resolve(context.cwd, source), { pipeline: flags.pipeline, parameters, steps, s3Objects });
      } catch (e) {
        if (e instanceof SimulationInputError) {
          throw new CliError(e.message);
        }
        throw e;
      }
      if (flags.json) {
        context.stdout.write(`${JSON.stringify(trace.toJSON())}\n`);
        return;
      }
      context.stdout.write(`${trace.toString()}\n`);
      context.exitCode = trace.status === 'Succeeded' ? 0 : 1;
    });
}

/** Splits `text` at its first `=`; anything else is a CliError showing the flag's form and an example. */
function splitFlag(flag: string, text: string, form: string, example: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) {
    throw new CliError(`${flag} '${text}': expected ${form}, e.g. ${flag} ${example}.`);
  }
  return [text.slice(0, at), text.slice(at + 1)];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function splitStepDot(flag: string, target: string, form: string, example: string): [string, string] {
  const dot = target.indexOf('.');
  if (dot <= 0 || dot === target.length - 1) {
    throw new CliError(`${flag} '${target}': expected ${form}=..., e.g. ${flag} ${example}.`);
  }
  return [target.slice(0, dot), target.slice(dot + 1)];
}

function readJson(flag: string, file: string, context: CliContext): unknown {
  const resolved = path.resolve(context.cwd, file);
  // A regular file, or a pipe such as the shell's <(echo '{...}'); never a folder.
  if (!fs.existsSync(resolved) || fs.statSync(resolved).isDirectory()) {
    throw new CliError(`${flag}: ${file} is not a file. Pass the path of a JSON file with the document's contents.`);
  }
  try {
    return JSON.parse(fs.readFileSync(resolved, 'utf8'));
  } catch (e) {
    throw new CliError(`${flag}: ${file} is not valid JSON (${(e as Error).message}). Pass a JSON file.`);
  }
}

function parseFailure(text: string, spec: string): InjectedFailure {
  const colon = spec.indexOf(':');
  const exceptionType = colon < 0 ? spec : spec.slice(0, colon);
  const attemptsText = colon < 0 ? undefined : spec.slice(colon + 1);
  const usage = 'expected STEP=EXCEPTION_TYPE[:ATTEMPTS], e.g. --fail Train=SageMaker.CAPACITY_ERROR:2 (first 2 attempts) or --fail Train=SageMaker.CAPACITY_ERROR:1,3';
  if (exceptionType === '') {
    throw new CliError(`--fail '${text}': ${usage}.`);
  }
  if (attemptsText === undefined) {
    return { exceptionType };
  }
  if (/^\d+$/.test(attemptsText) && Number(attemptsText) >= 1) {
    return { exceptionType, attempts: Number(attemptsText) };
  }
  if (/^\d+(,\d+)+$/.test(attemptsText) && attemptsText.split(',').every((a) => Number(a) >= 1)) {
    return { exceptionType, attempts: attemptsText.split(',').map(Number) };
  }
  throw new CliError(`--fail '${text}': ATTEMPTS '${attemptsText}' is neither a positive number nor a list of attempt numbers; ${usage}.`);
}
