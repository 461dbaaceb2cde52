// `npm start`: the same as `ecrm serve`.
process.argv.splice(2, process.argv.length - 2, 'serve', ...process.argv.slice(2));
require('./cli.js');
