using BookingPortal.Infrastructure.Identity;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace BookingPortal.Web.Hosting;

internal static class IdentitySetup
{
    /// <summary>The API accepts Identity bearer tokens only; the UI signs in with Identity's cookie.</summary>
    public const string ApiPolicy = "api";

    public const string AdminPolicy = "admin";

    public static void MapAccountEndpoints(this WebApplication app) =>
        app.MapPost("/account/logout", async (SignInManager<ApplicationUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/");
        }).ExcludeFromDescription();

    public static void AddBookingIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddDataProtection().SetApplicationName("BookingPortal");
        services.AddOptions<KeyManagementOptions>()
            .Configure<NpgsqlDataSource>((options, dataSource) => options.XmlRepository = new PostgresXmlRepository(dataSource));

        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddBearerToken(IdentityConstants.BearerScheme, options =>
            {
                options.BearerTokenExpiration = TimeSpan.FromMinutes(builder.Configuration.GetValue("Auth:AccessTokenMinutes", 60));
                options.RefreshTokenExpiration = TimeSpan.FromDays(builder.Configuration.GetValue("Auth:RefreshTokenDays", 14));
            })
            .AddIdentityCookies();

        services.AddCascadingAuthenticationState();
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/account/login";
            options.AccessDeniedPath = "/account/access-denied";
            options.SlidingExpiration = true;
        });

        // An admin's lock, password reset or role change renews the user's security stamp; cookies carrying the old
        // one stop working at their next check, so check often enough for that to matter.
        var sessionCheck = CurrentSessions.Interval(builder.Configuration);
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = sessionCheck);
        // Access tokens and open circuits get the same check; the refresh endpoint checks the stamp on every refresh.
        services.AddSingleton<SessionVerdicts>();
        services.AddScoped<IAuthorizationHandler, CurrentSessionHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, EndedSessionAnswers>();
        services.AddScoped<AuthenticationStateProvider, CircuitSessionRevalidation>();

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 10;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<BookingDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        services.AddTransient<IClaimsTransformation, OperatorLocationClaims>();
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, policy => policy
                .AddAuthenticationSchemes(IdentityConstants.BearerScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new CurrentSessionRequirement()))
            .AddPolicy(AdminPolicy, policy => policy
                .AddAuthenticationSchemes(IdentityConstants.BearerScheme)
                .RequireRole(RoleNames.Admin)
                .AddRequirements(new CurrentSessionRequirement()));
    }
}
