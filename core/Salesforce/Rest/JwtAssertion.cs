using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace SfSync.Salesforce.Rest;

/// <summary>The JWT bearer assertion: RS256 over {iss: client id, sub: user, aud: login host, exp: now + 3 min}.</summary>
internal static class JwtAssertion
{
    public static string Create(X509Certificate2 certificate, string clientId, string username, string audience, DateTimeOffset now)
    {
        using var key = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("The JWT certificate has no RSA private key.");
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "RS256" }));
        var claims = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = clientId,
            ["sub"] = username,
            ["aud"] = audience,
            ["exp"] = now.AddMinutes(3).ToUnixTimeSeconds(),
        }));
        var signature = key.SignData(Encoding.ASCII.GetBytes(header + "." + claims), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + claims + "." + Encode(signature);
    }

    /// <summary>Loads the certificate and key from a Key Vault-friendly string: PEM text, or base64 of PEM or PFX.</summary>
    public static X509Certificate2 Load(string configured)
    {
        var text = configured.Trim();
        if (!text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            var bytes = Convert.FromBase64String(text);
            var decoded = Encoding.UTF8.GetString(bytes);
            if (!decoded.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                return X509CertificateLoader.LoadPkcs12(bytes, null);
            }

            text = decoded;
        }

        return X509Certificate2.CreateFromPem(text, text);
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
