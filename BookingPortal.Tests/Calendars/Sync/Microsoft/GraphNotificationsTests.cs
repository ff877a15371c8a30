using BookingPortal.Infrastructure.Calendars.Sync;
using BookingPortal.Infrastructure.Calendars.Sync.Microsoft;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace BookingPortal.Tests.Calendars.Sync.Microsoft;

/// <summary>Graph's webhook calls as documented: the validation query and the notification bodies.</summary>
public sealed class GraphNotificationsTests
{
    [Fact]
    public void The_validation_token_comes_from_the_query_as_graph_sent_it()
    {
        var query = new QueryCollection(new Dictionary<string, StringValues>
        {
            ["validationToken"] = "Validation: Testing client application reachability for subscription Request-Id: 25b1",
        });

        Assert.Equal("Validation: Testing client application reachability for subscription Request-Id: 25b1",
            GraphNotifications.ValidationToken(query));
        Assert.Null(GraphNotifications.ValidationToken(QueryCollection.Empty));
        Assert.Null(GraphNotifications.ValidationToken(new QueryCollection(new Dictionary<string, StringValues> { ["validationToken"] = "" })));
    }

    [Fact]
    public void A_body_of_changes_and_lifecycle_events_is_read_item_by_item()
    {
        const string body = """
            {"value":[
              {"subscriptionId":"s-1","subscriptionExpirationDateTime":"2027-03-04T10:00:00Z","changeType":"created",
               "resource":"Users/aurora@contoso.test/Events/AAMk1","resourceData":{"id":"AAMk1"},"clientState":"secret","tenantId":"t"},
              {"subscriptionId":"s-1","lifecycleEvent":"reauthorizationRequired","clientState":"secret"},
              {"subscriptionId":"s-2","lifecycleEvent":"subscriptionRemoved"},
              {"subscriptionId":"s-2","lifecycleEvent":"missed","clientState":"other"},
              {"subscriptionId":"s-3","lifecycleEvent":"somethingNewer","clientState":"x"},
              {"changeType":"updated","clientState":"no subscription id"}
            ]}
            """;

        Assert.Equal(
            [
                new CalendarNotification("s-1", "secret", CalendarNotificationKind.Changed),
                new CalendarNotification("s-1", "secret", CalendarNotificationKind.ReauthorizationRequired),
                new CalendarNotification("s-2", null, CalendarNotificationKind.SubscriptionRemoved),
                new CalendarNotification("s-2", "other", CalendarNotificationKind.Missed),
                new CalendarNotification("s-3", "x", CalendarNotificationKind.Changed),
            ],
            GraphNotifications.Parse(body));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"value\":{}}")]
    [InlineData("{\"items\":[]}")]
    public void A_body_that_is_no_notification_is_null(string body) => Assert.Null(GraphNotifications.Parse(body));
}
