import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface PublicApiProps {
  /** The Lambda that serves the Hono app (every route). */
  handler: IFunction;
  throttleRateLimit: number;
  throttleBurstLimit: number;
  corsAllowOrigins: string[];
  logRetention: RetentionDays;
}

/**
 * The public, read-only HTTP API: every route goes to the one Hono Lambda, the default stage is
 * throttled (the only protection an unauthenticated API has against a runaway client) and
 * every request is access-logged.
 */
export class PublicApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLog: LogGroup;

  constructor(scope: Construct, id: string, props: PublicApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'breachwire public read-only API',
      defaultIntegration: new HttpLambdaIntegration('App', props.handler),
      // A stage of our own below carries throttling and access logs.
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.corsAllowOrigins,
        // Read-only: browsers may GET, nothing else.
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.HEAD, CorsHttpMethod.OPTIONS],
        allowHeaders: ['content-type', 'accept'],
        exposeHeaders: ['link'],
        maxAge: Duration.days(1),
      },
    });
    // Operational, bounded by retention: goes with the stack like the functions' log groups.
    this.accessLog = new LogGroup(this, 'AccessLog', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLog),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'A public, read-only data API for journalists and researchers by design (DESIGN.md): no authorizer; abuse is bounded by stage throttling and the function can only read the table.',
    });
  }

  /** The URL clients call. */
  get url(): string {
    return this.stage.url;
  }
}
