#!/usr/bin/env node
'use strict';
// The entry point: run the command, then report any error in one place.
const { reorderGlobalFlags } = require('../dist/src/cli/argv');
const { reportError } = require('../dist/src/cli/errors');

const argv = reorderGlobalFlags(process.argv.slice(2));
const debug = argv.includes('-D') || argv.includes('--debug');

require('@oclif/core')
  .run(argv, __dirname)
  .then(() => require('@oclif/core').flush())
  .catch((err) => reportError(err, debug));
