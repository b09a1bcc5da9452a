// The Restate SDK calls Promise.withResolvers, which Node.js has only from version 22;
// this platform supports Node.js 20.
type WithResolvers = <T>() => { promise: Promise<T>; resolve: (value: T) => void; reject: (reason?: unknown) => void };
const promiseConstructor = Promise as unknown as { withResolvers?: WithResolvers };

promiseConstructor.withResolvers ??= <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
