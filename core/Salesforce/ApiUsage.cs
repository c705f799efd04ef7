namespace SfSync.Salesforce;

/// <summary>The org's API usage from the <c>Sforce-Limit-Info: api-usage=used/max</c> header.</summary>
public sealed record ApiUsage(long Used, long DailyMax, DateTimeOffset ObservedAt)
{
    public double Share => DailyMax <= 0 ? 0 : (double)Used / DailyMax;
}
