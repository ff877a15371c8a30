using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Infrastructure.Calendars.Sync.Microsoft;
using BookingPortal.Tests.Fakes.Graph;
using Microsoft.Extensions.DependencyInjection;

namespace BookingPortal.Tests.Calendars.Sync.Microsoft;

/// <summary>
/// The provider as the app gets it, from <see cref="MicrosoftSyncSetup.AddMicrosoftCalendarSync"/> and configuration,
/// pointed at a <see cref="FakeGraph"/>. The one change is the named client's primary handler, which trusts the fake's
/// certificate: the seam the setup offers.
/// </summary>
internal static class GraphSync
{
    public static ICalendarProvider Provider(FakeGraph fake, string secret = FakeGraph.ClientSecret, params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Sync:Microsoft:TenantId"] = FakeGraph.TenantId,
            ["Sync:Microsoft:ClientId"] = FakeGraph.ClientId,
            ["Sync:Microsoft:ClientSecret"] = secret,
            ["Sync:Microsoft:Authority"] = fake.Authority.AbsoluteUri,
            ["Sync:Microsoft:GraphBaseUrl"] = fake.GraphBaseUrl.AbsoluteUri,
        };
        foreach (var (key, value) in settings)
        {
            values["Sync:Microsoft:" + key] = value;
        }

        var services = new ServiceCollection();
        services.AddMicrosoftCalendarSync(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddHttpClient(MicrosoftSyncSetup.HttpClientName).ConfigurePrimaryHttpMessageHandler(fake.CreateTrustingHandler);
        return services.BuildServiceProvider().GetServices<ICalendarProvider>().Single(p => p.Name == "microsoft");
    }
}
