using SfSync.Linking;
using SfSync.Mapping;
using SfSync.Merge;
using SfSync.Model;

namespace SfSync.Reconciling;

/// <summary>
/// A contact's account, merged like any field in Salesforce-id space (§4): the app side's value is the account linked
/// to the contact's customer. A side that cannot be translated (its parent has no active link yet) is left alone and
/// the contact waits for its parent; the account batch that links the parent sends it back.
/// </summary>
/// <param name="SalesforceAccount">AccountId to write to Salesforce, if any.</param>
/// <param name="AppCustomer">customer_id to write to the app, if any.</param>
/// <param name="HasBase">Whether the new base holds an AccountId entry; <paramref name="BaseValue"/> is it.</param>
internal sealed record ParentDecision(SalesforceId? SalesforceAccount, AppId? AppCustomer, bool HasBase, string? BaseValue, bool WaitsForParent, string? Warning)
{
    /// <summary>The base entry of a contact's parent, held as the Salesforce AccountId both sides agreed on.</summary>
    public const string BaseKey = "AccountId";

    /// <summary>
    /// The base entry that says the agreed AccountId is a company-name guess (§5), the engine's stand-in for a customer
    /// that had no account yet, not a person's choice; it holds the guessed account while the base still agrees on it.
    /// </summary>
    public const string GuessKey = "AccountId.ByCompanyName";

    /// <summary>Whether the new base's AccountId is the company-name guess (kept as <see cref="GuessKey"/>).</summary>
    public bool Guessed { get; init; }

    /// <summary>Whether Salesforce's AccountId is to be cleared (only ever a guess of ours, see <see cref="For"/>).</summary>
    public bool ClearsSalesforceAccount { get; init; }

    /// <param name="salesforce">The Salesforce contact, or null when creating it.</param>
    /// <param name="app">The app contact, or null when creating it.</param>
    /// <param name="baseValues">The contact's base, or null when never synced.</param>
    public static ParentDecision For(SalesforceRecord? salesforce, AppRecord? app, IReadOnlyDictionary<string, string?>? baseValues, ParentContext parents)
    {
        string? baseValue = null;
        var hasBase = baseValues is not null && baseValues.TryGetValue(BaseKey, out baseValue);
        var guessed = hasBase && baseValue is not null && baseValues!.TryGetValue(GuessKey, out var guessedAccount) && guessedAccount == baseValue;
        var keep = new ParentDecision(null, null, hasBase, baseValue, false, null) { Guessed = guessed };

        SalesforceId? appSide = null;
        string? warning = null;
        var waits = false;
        var guessing = false;
        var salesforceSide = salesforce?.ParentId;
        if (guessed && app is { ParentId: null } && salesforce is not null && FieldValue.AreEqual(salesforceSide?.Value, baseValue, FieldComparison.Text))
        {
            // Salesforce still holds our guess and a person took the contact off the customer the guess stood for: no
            // person ever chose that account, so "a blank never overwrites" does not protect it — the move goes through
            // and the contact leaves the guessed account too (filling the app from the guess would put the contact under
            // a customer nobody picked).
            return new ParentDecision(null, null, true, null, false, null) { ClearsSalesforceAccount = true };
        }

        if (app?.ParentId is { } customer)
        {
            // The customer will be linked unless it opted out: until then the contact comes back to follow it.
            waits = parents.Customers.TryGetValue(customer, out var known) && !known.SyncDisabled && parents.AccountOf(customer) is null;
            if (parents.AccountOf(customer) is { } account)
            {
                appSide = account;
            }
            else if (salesforce is null && ByCompanyName(parents, app) is { } guess)
            {
                // Only a contact about to be created in Salesforce gets an account by company name (§5); the guess
                // becomes its base, so once the customer is linked the linked account replaces it (s == b: an app-side change).
                appSide = guess.Record.Id;
                guessing = true;
                warning = guess.Rule == CompanyNameRule.UniqueSubstring ? $"Account chosen by company-name substring match ({guess.Record.Id})." : null;
            }
            else if (salesforce is null)
            {
                return new ParentDecision(null, null, true, null, waits, null);
            }
            else if (!hasBase || FieldValue.AreEqual(salesforceSide?.Value, baseValue, FieldComparison.Text))
            {
                return keep with { WaitsForParent = waits };
            }
            else
            {
                // The app side cannot be translated, but Salesforce changed since the last sync: whether or not the app
                // changed too, Salesforce's value is the one that goes through (§4), never a guess.
                appSide = salesforceSide;
                salesforceSide = null;
                var follow = appSide is { } moved ? parents.CustomerOf(moved) : null;
                return follow is null
                    ? keep with { WaitsForParent = waits }
                    : new ParentDecision(null, follow == customer ? null : follow, true, appSide!.Value.Value, false, null);
            }
        }

        else if (salesforce is null && app is not null && ByCompanyName(parents, app) is { } guess)
        {
            // A contact without a customer, about to be created in Salesforce: its own company name picks the account.
            appSide = guess.Record.Id;
            warning = guess.Rule == CompanyNameRule.UniqueSubstring ? $"Account chosen by company-name substring match ({guess.Record.Id})." : null;
        }

        var decision = FieldMerge.Decide(salesforceSide?.Value, appSide?.Value, baseValue, hasBase, FieldComparison.Text);
        SalesforceId? writeSalesforce = decision.WritesSalesforce && SalesforceId.TryParse(decision.Value, out var id) ? id : null;
        if (!decision.WritesApp)
        {
            return new ParentDecision(writeSalesforce, null, true, decision.Value, waits, warning) { Guessed = guessing };
        }

        SalesforceId? chosen = SalesforceId.TryParse(decision.Value, out var parsed) ? parsed : null;
        if (chosen is { } chosenAccount && parents.CustomerOf(chosenAccount) is { } target)
        {
            return new ParentDecision(writeSalesforce, target == app?.ParentId ? null : target, true, decision.Value, false, warning);
        }

        // The account has no customer yet (its own batch may be running): the app keeps its parent for now. A blank app
        // side is as good as filled — Salesforce's value is what both agree on, so a person's later choice in the app is
        // an app-side change — whereas a Salesforce change over an app value stays undecided until the app has it.
        var waitsForIt = chosen is null || parents.CustomerMayCome(chosen.Value);
        return decision.Case == MergeCase.FillApp
            ? new ParentDecision(writeSalesforce, null, true, decision.Value, waitsForIt, warning)
            : keep with { SalesforceAccount = writeSalesforce, WaitsForParent = waitsForIt, Warning = warning };
    }

    private static Match<SalesforceRecord>? ByCompanyName(ParentContext parents, AppRecord contact)
    {
        var customer = contact.ParentId is { } id ? parents.Customers.GetValueOrDefault(id) : null;
        var linked = contact.ParentId is { } parent && parents.AccountOf(parent) is not null;
        if (ContactCompany.NameFor(contact, customer, linked, parents.CustomerNameField) is not { } company)
        {
            return null;
        }

        var accounts = parents.Accounts.Where(a => !a.IsDeleted)
            .Select(a => new Candidate<SalesforceRecord>(a, a.Field("Name"), a.CreatedDate))
            .ToList();
        return CompanyNameMatcher.Pick(accounts, company);
    }
}
