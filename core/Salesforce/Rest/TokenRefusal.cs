namespace SfSync.Salesforce.Rest;

/// <summary>
/// What a refused token request means, from the flow and Salesforce's OAuth error code. Salesforce answers
/// <c>invalid_grant</c> both for a wrong password and for an expired refresh token: only the flow tells them apart.
/// </summary>
internal static class TokenRefusal
{
    public static ConnectionProblem Of(SalesforceAuthFlow flow, string? error) => error switch
    {
        "invalid_client_id" or "invalid_client" => ConnectionProblem.ClientRefused,
        "invalid_grant" when flow == SalesforceAuthFlow.RefreshToken => ConnectionProblem.RefreshTokenExpired,
        "invalid_grant" => ConnectionProblem.CredentialsRefused,
        _ => ConnectionProblem.ErrorAnswer,
    };
}
