import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the stand-in saw it (bodies of parts are not kept here). */
export interface S3Call {
  operation:
    | 'PutObject'
    | 'CreateMultipartUpload'
    | 'UploadPart'
    | 'CompleteMultipartUpload'
    | 'AbortMultipartUpload';
  key: string;
}

export interface S3StandIn {
  /** The endpoint to give an S3Client (with `forcePathStyle: true`). */
  endpoint: string;
  /** Completed objects by key: only what a real bucket would show. */
  objects: Map<string, { body: Buffer; contentType: string | undefined }>;
  /** Multipart uploads neither completed nor aborted. */
  openUploads(): number;
  calls: S3Call[];
  /** Makes the next UploadPart requests answer 500 (to test failure handling). */
  failParts(count: number): void;
  close(): Promise<void>;
}

const etagOf = (body: Buffer) => `"${createHash('md5').update(body).digest('hex')}"`;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Just enough of the S3 REST API, on 127.0.0.1, for `@aws-sdk/lib-storage`'s `Upload`: PutObject,
 * and CreateMultipartUpload / UploadPart / CompleteMultipartUpload / AbortMultipartUpload with
 * path-style addressing. An object appears only when its PUT or its Complete succeeds, as in S3.
 */
export async function startS3StandIn(bucket = 'exports'): Promise<S3StandIn> {
  const objects: S3StandIn['objects'] = new Map();
  const uploads = new Map<
    string,
    { key: string; parts: Map<number, Buffer>; contentType: string | undefined }
  >();
  const calls: S3Call[] = [];
  let failingParts = 0;
  let nextUpload = 1;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, bucketName, ...segments] = url.pathname.split('/');
    const key = segments.map(decodeURIComponent).join('/');
    const body = await readBody(req);
    const xml = (status: number, text: string) =>
      res
        .writeHead(status, { 'content-type': 'application/xml' })
        .end(`<?xml version="1.0" encoding="UTF-8"?>${text}`);
    if (bucketName !== bucket) {
      xml(404, '<Error><Code>NoSuchBucket</Code><Message>no such bucket</Message></Error>');
      return;
    }
    const uploadId = url.searchParams.get('uploadId');
    const contentType = req.headers['content-type'];
    if (req.method === 'PUT' && !uploadId) {
      calls.push({ operation: 'PutObject', key });
      objects.set(key, { body, contentType });
      res.writeHead(200, { etag: etagOf(body) }).end();
    } else if (req.method === 'POST' && url.searchParams.has('uploads')) {
      calls.push({ operation: 'CreateMultipartUpload', key });
      const id = `upload-${nextUpload++}`;
      uploads.set(id, { key, parts: new Map(), contentType });
      xml(
        200,
        `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
      );
    } else if (req.method === 'PUT' && uploadId) {
      calls.push({ operation: 'UploadPart', key });
      const upload = uploads.get(uploadId);
      if (!upload)
        return xml(404, '<Error><Code>NoSuchUpload</Code><Message>no such upload</Message></Error>');
      if (failingParts > 0) {
        failingParts--;
        return xml(500, '<Error><Code>InternalError</Code><Message>stand-in failure</Message></Error>');
      }
      upload.parts.set(Number(url.searchParams.get('partNumber')), body);
      res.writeHead(200, { etag: etagOf(body) }).end();
    } else if (req.method === 'POST' && uploadId) {
      calls.push({ operation: 'CompleteMultipartUpload', key });
      const upload = uploads.get(uploadId);
      if (!upload)
        return xml(404, '<Error><Code>NoSuchUpload</Code><Message>no such upload</Message></Error>');
      const numbers = [...body.toString('utf8').matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) =>
        Number(m[1]),
      );
      const whole = Buffer.concat(numbers.map((n) => upload.parts.get(n) ?? Buffer.alloc(0)));
      objects.set(upload.key, { body: whole, contentType: upload.contentType });
      uploads.delete(uploadId);
      xml(
        200,
        `<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>${etagOf(whole)}</ETag></CompleteMultipartUploadResult>`,
      );
    } else if (req.method === 'DELETE' && uploadId) {
      calls.push({ operation: 'AbortMultipartUpload', key });
      uploads.delete(uploadId);
      res.writeHead(204).end();
    } else {
      xml(400, '<Error><Code>NotImplemented</Code><Message>not in the stand-in</Message></Error>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    openUploads: () => uploads.size,
    calls,
    failParts: (count) => {
      failingParts = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
