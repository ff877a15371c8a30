using System.Security.Cryptography;
using System.Text.Json;

namespace BookingPortal.Tests.Fakes.GoogleCalendar;

/// <summary>
/// A Google service account made up for a test: a fresh RSA key and the JSON key file Google would hand out for it,
/// written to a temporary folder that goes away with the account.
/// </summary>
public sealed class FakeServiceAccount : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fake-google-sa-").FullName;

    private FakeServiceAccount(string clientEmail, RSA key, string tokenUri)
    {
        ClientEmail = clientEmail;
        Key = key;
        KeyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        KeyFile = Path.Combine(_folder, "service-account.json");
        File.WriteAllText(KeyFile, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = "booking-portal-tests",
            ["private_key_id"] = KeyId,
            ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = clientEmail,
            ["client_id"] = "100000000000000000001",
            ["token_uri"] = tokenUri,
        }));
    }

    /// <param name="tokenUri">The key file's <c>token_uri</c>; Google's real one unless a test wants the file alone to lead to the fake.</param>
    public static FakeServiceAccount Create(string clientEmail = "booking-sync@booking-portal-tests.iam.gserviceaccount.com",
        string tokenUri = "https://oauth2.googleapis.com/token") =>
        new(clientEmail, RSA.Create(2048), tokenUri);

    public string ClientEmail { get; }

    public string KeyId { get; }

    public RSA Key { get; }

    public string KeyFile { get; }

    public void Dispose()
    {
        Key.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
