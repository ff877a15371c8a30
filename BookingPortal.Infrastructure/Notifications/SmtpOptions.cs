namespace BookingPortal.Infrastructure.Notifications;

/// <summary>The <c>Smtp</c> configuration section. Without a host no mail is sent; notifications stay in the app.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public bool EnableSsl { get; set; }
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "BookingPortal <bookings@localhost>";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
