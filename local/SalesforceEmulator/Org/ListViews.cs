using SfSync.SalesforceEmulator.Soql;

namespace SfSync.SalesforceEmulator.Org;

/// <summary>One list view: what the REST API's listing and describe give for it.</summary>
internal sealed record ListView(string Id, string SObject, string DeveloperName, string Label, string Query, string Scope);

/// <summary>
/// The org's list views, seeded with "All Accounts", "My Accounts" (the user's own: <c>USING SCOPE mine</c>, as a real
/// org has it) and "My Contacts" — here the contacts whose owner is the seed's person user, as a field filter — and
/// replaceable through /__emulator/listviews, so tests can edit a list view as a person would in Setup.
/// </summary>
internal sealed class ListViews
{
    private const string OrderBy = " ORDER BY Name ASC NULLS FIRST, Id ASC NULLS FIRST";

    private readonly Lock _gate = new();
    private readonly List<ListView> _views = [];
    private long _counter;

    public ListViews()
    {
        Put("Account", "AllAccounts", "All Accounts", null, "everything");
        Put("Account", "MyAccounts", "My Accounts", null, "mine");
        Put("Contact", "MyContacts", "My Contacts", $"OwnerId = '{OrgStore.PersonUserId}'", "everything");
    }

    public IReadOnlyList<ListView> Of(string sobject)
    {
        lock (_gate)
        {
            return _views.Where(v => v.SObject == sobject).ToList();
        }
    }

    public ListView? Find(string sobject, string id)
    {
        lock (_gate)
        {
            return _views.FirstOrDefault(v => v.SObject == sobject && (v.Id == id || v.Id[..15] == id));
        }
    }

    /// <summary>Creates or replaces a list view; its WHERE must be SOQL the emulator runs (it is parsed here).</summary>
    /// <exception cref="SoqlException">The condition is not SOQL.</exception>
    public ListView Put(string sobject, string developerName, string label, string? where, string scope)
    {
        var query = $"SELECT Name, Id FROM {sobject}" + (scope == "mine" ? " USING SCOPE mine" : "") + (string.IsNullOrWhiteSpace(where) ? "" : " WHERE " + where) + OrderBy;
        if (scope != "mine")
        {
            SoqlParser.Parse(query); // a list view whose filter Salesforce would not run cannot be saved
        }

        lock (_gate)
        {
            var existing = _views.FindIndex(v => v.SObject == sobject && v.DeveloperName == developerName);
            var id = existing >= 0 ? _views[existing].Id : SalesforceIds.New("00B", ++_counter);
            var view = new ListView(id, sobject, developerName, label, query, scope);
            if (existing >= 0)
            {
                _views[existing] = view;
            }
            else
            {
                _views.Add(view);
            }

            return view;
        }
    }
}
