#!/usr/bin/env node
'use strict';
require('../dist/src/app/cli.js');
