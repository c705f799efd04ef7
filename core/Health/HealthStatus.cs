namespace SfSync.Health;

public enum HealthStatus
{
    /// <summary>Every part answers, planning runs, nothing is dead-lettered.</summary>
    Healthy,

    /// <summary>Every part answers, but planning is paused for API usage or messages wait in the dead-letter queue.</summary>
    Degraded,

    /// <summary>A part cannot be used: Salesforce, the app, the state store or the queue.</summary>
    Unhealthy,
}
