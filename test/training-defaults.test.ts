import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ContainerImage, Pipeline, S3Location, TrainingInput, TrainingStep } from '../lib';
import { definitionOf, newStack, stepOf } from './util';

const IMAGE = ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1');

describe('TrainingStep defaults and S3 locations', () => {
  test('without outputPath the artifacts go under the artifact bucket, unique per execution, and the job role may write there', () => {
    // GIVEN
    const { stack } = newStack();
    const pipeline = new Pipeline(stack, 'Pipeline', { pipelineName: 'train' });
    // WHEN
    new TrainingStep(pipeline, 'Train', { image: IMAGE });
    // THEN
    const args = stepOf(definitionOf(stack), 'Train').Arguments;
    expect(args.OutputDataConfig.S3OutputPath).toEqual({
      'Std:Join': {
        On: '/',
        Values: ['s3:/', expect.stringMatching(/^\$\{Ref:PipelineArtifacts[0-9A-F]+\}$/), 'train', { Get: 'Execution.PipelineExecutionId' }, 'Train', 'output'],
      },
    });
    const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policies).toContain('train/*');
  });

  test('a channel from a bucket prefix grants read on that prefix only', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Data');
    const pipeline = new Pipeline(stack, 'Pipeline');
    // WHEN
    new TrainingStep(pipeline, 'Train', {
      image: IMAGE,
      outputPath: 's3://out/models',
      inputs: [TrainingInput.s3('train', S3Location.fromBucket(bucket, 'abalone/train/'))],
    });
    // THEN
    const args = stepOf(definitionOf(stack), 'Train').Arguments;
    expect(args.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toMatch(/^s3:\/\/\$\{Ref:Data[0-9A-F]+\}\/abalone\/train\/$/);
    const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policies).toContain('/abalone/train/*');
  });
});
