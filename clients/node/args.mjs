// Command-line options of the scripts: --name value pairs, with required ones checked up front.
export function parseArgs(argv, required, defaults = {}) {
  const options = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || i + 1 >= argv.length) {
      fail(`unexpected argument '${arg}' (options are --name value)`);
    }
    options[arg.slice(2)] = argv[++i];
  }
  for (const name of required) {
    if (options[name] === undefined) {
      fail(`--${name} is required`);
    }
  }
  return options;
}

export function fail(message) {
  process.stderr.write(`${process.argv[1].split('/').pop()}: ${message}\n`);
  process.exit(2);
}

/** The registry client's settings; basic auth from the environment only, never from arguments. */
export function registryConfig(url) {
  const config = { baseURLs: [url], cacheCapacity: 100 };
  const userInfo = process.env.TRENDSTREAM_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO;
  if (userInfo) {
    const colon = userInfo.indexOf(':');
    config.basicAuthCredentials = {
      credentialsSource: 'USER_INFO',
      userInfo: userInfo,
    };
    if (colon <= 0) {
      fail('TRENDSTREAM_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO must be user:password');
    }
  }
  return config;
}

/** JSON with byte arrays as base64 strings and 64-bit ints as numbers. */
export function toJson(value) {
  return JSON.stringify(value, (key, v) => {
    if (v && v.type === 'Buffer' && Array.isArray(v.data)) {
      return Buffer.from(v.data).toString('base64');
    }
    if (typeof v === 'bigint') {
      return Number(v);
    }
    return v;
  });
}
