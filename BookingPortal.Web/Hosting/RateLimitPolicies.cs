namespace BookingPortal.Web.Hosting;

public static class RateLimitPolicies
{
    public const string Writes = "writes";
}
