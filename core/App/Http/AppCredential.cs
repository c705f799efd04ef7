using Azure.Core;

namespace SfSync.App.Http;

/// <summary>The identity the app's Entra ID tokens are requested with (the Function App's managed identity in Azure).</summary>
internal sealed class AppCredential(TokenCredential credential) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken _token;

    /// <summary>A cached token, renewed five minutes before it expires.</summary>
    public async Task<string> GetTokenAsync(string scope, TimeProvider time, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token.Token is null || _token.ExpiresOn - TimeSpan.FromMinutes(5) <= time.GetUtcNow())
            {
                _token = await credential.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken).ConfigureAwait(false);
            }

            return _token.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
