// Points jsforce, the most used JavaScript Salesforce library, unchanged at a Salesforce REST endpoint and runs
// the calls the sync relies on. Prints one JSON line of results; exits non-zero on the first failure.
// Usage: node jsforce-check.mjs <loginUrl> <clientId> <clientSecret> <username> <password+token>
import jsforce from 'jsforce';

const [loginUrl, clientId, clientSecret, username, password] = process.argv.slice(2);
const run = Math.random().toString(36).slice(2, 10);
const results = {};

const conn = new jsforce.Connection({ oauth2: { loginUrl, clientId, clientSecret }, loginUrl, version: '62.0' });
await conn.login(username, password);
results.login = { instanceUrl: conn.instanceUrl, org: conn.userInfo?.organizationId };

const created = await conn.sobject('Account').create({ Name: `jsforce ${run}`, BillingCity: 'Oslo' });
results.create = created.success;

const many = await conn.sobject('Contact').create(
  [{ LastName: `Bulk ${run}`, AccountId: created.id }, { FirstName: 'No last name' }],
  { allOrNone: false });
results.collectionCreate = many.map((r) => r.success);
results.collectionError = many[1].errors?.[0]?.errorCode ?? many[1].errors?.[0]?.statusCode;

await conn.sobject('Account').update({ Id: created.id, Phone: '555-0101' });
const retrieved = await conn.sobject('Account').retrieve(created.id);
results.retrieve = retrieved.Phone;

const queried = await conn.query(`SELECT Id, Name, BillingCity FROM Account WHERE Name = 'jsforce ${run}'`);
results.query = queried.totalSize;

// More rows than one page (2000), so autoFetch has to follow nextRecordsUrl.
for (let chunk = 0; chunk < 11; chunk++) {
  await conn.sobject('Account').create(Array.from({ length: 200 }, (_, i) => ({ Name: `page ${run} ${chunk}-${i}` })), { allOrNone: true });
}

const all = [];
await new Promise((resolve, reject) => {
  conn.query(`SELECT Id FROM Account WHERE Name LIKE 'page ${run}%'`)
    .on('record', (r) => all.push(r.Id))
    .on('end', resolve)
    .on('error', reject)
    .run({ autoFetch: true, maxFetch: 100000 });
});
results.autoFetch = all.length;

await conn.sobject('Account').destroy(created.id);
const deleted = await conn.query(`SELECT Id, IsDeleted FROM Contact WHERE LastName = 'Bulk ${run}'`, { scanAll: true });
results.queryAllDeleted = deleted.records[0]?.IsDeleted;

const limits = await conn.limits();
results.limits = limits.DailyApiRequests.Max;

try {
  await conn.query('SELECT Id, Nmae FROM Account');
  results.invalidField = 'no error';
} catch (error) {
  results.invalidField = error.errorCode ?? error.name;
}

console.log(JSON.stringify(results));
