import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTableInput } from './table.ts';

/** The handle every repository receives: a document client and the table's name. */
export interface Store {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

export interface StoreOptions {
  tableName: string;
  /** An explicit endpoint (the embedded dynalite); omitted in AWS. */
  endpoint?: string;
  region?: string;
}

/**
 * Creates the store client. In AWS the SDK's default endpoint, region and credentials are
 * used (`AWS_ENDPOINT_URL_DYNAMODB` also works, unchanged SDK behaviour); the embedded mode
 * passes its loopback endpoint and dummy credentials.
 */
export function createStore(options: StoreOptions): Store {
  const client = new DynamoDBClient({
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    region: options.region ?? process.env['AWS_REGION'] ?? 'us-east-1',
    maxAttempts: 4,
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, tableName: options.tableName };
}

/** Creates the table from the single definition when it does not exist (local runner only). */
export async function ensureTable(store: Store): Promise<void> {
  try {
    await store.doc.send(new DescribeTableCommand({ TableName: store.tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await store.doc.send(new CreateTableCommand(createTableInput(store.tableName)));
  for (let attempt = 0; attempt < 50; attempt++) {
    const described = await store.doc.send(new DescribeTableCommand({ TableName: store.tableName }));
    if (described.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`table ${store.tableName} did not become ACTIVE`);
}
