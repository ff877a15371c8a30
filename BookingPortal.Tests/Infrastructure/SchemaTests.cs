using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace BookingPortal.Tests.Infrastructure;

/// <summary>The SQL migrations are hand-written, so this proves EF's model and the migrated schema agree.</summary>
public class SchemaTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private sealed record DbColumn(string Table, string Column, string Type, bool Nullable, bool Generated);

    private async Task<List<DbColumn>> ColumnsAsync()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT c.table_name, c.column_name, format_type(a.atttypid, a.atttypmod), c.is_nullable = 'YES', c.is_generated = 'ALWAYS'
            FROM information_schema.columns c
            JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass AND a.attname = c.column_name
            WHERE c.table_schema = 'public'
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new List<DbColumn>();
        while (await reader.ReadAsync())
        {
            columns.Add(new DbColumn(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4)));
        }

        return columns;
    }

    private BookingDbContext Context() =>
        new(new DbContextOptionsBuilder<BookingDbContext>().UseNpgsql(database.ConnectionString).Options);

    [Fact]
    public async Task Every_mapped_property_has_a_column_of_the_same_type_and_nullability()
    {
        var columns = await ColumnsAsync();
        await using var db = Context();
        var mismatches = new List<string>();
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            var identifier = StoreObjectIdentifier.Table(table);
            foreach (var property in entity.GetFlattenedProperties())
            {
                var name = property.GetColumnName(identifier)!;
                var column = columns.SingleOrDefault(c => c.Table == table && c.Column == name);
                if (name == "xmin")
                {
                    continue;
                }

                if (column is null)
                {
                    mismatches.Add($"{table}.{name} is mapped but missing");
                    continue;
                }

                var expected = Normalize(property.GetColumnType());
                if (Normalize(column.Type) != expected)
                {
                    mismatches.Add($"{table}.{name}: EF {expected}, database {column.Type}");
                }

                if (column.Nullable != property.IsColumnNullable(identifier))
                {
                    mismatches.Add($"{table}.{name}: EF nullable={property.IsColumnNullable(identifier)}, database nullable={column.Nullable}");
                }
            }
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task Every_column_of_a_mapped_table_is_mapped_or_generated()
    {
        var columns = await ColumnsAsync();
        await using var db = Context();
        var mapped = db.Model.GetEntityTypes()
            .SelectMany(e => e.GetFlattenedProperties().Select(p => (Table: e.GetTableName()!, Column: p.GetColumnName(StoreObjectIdentifier.Table(e.GetTableName()!))!)))
            .ToHashSet();
        var tables = mapped.Select(m => m.Table).ToHashSet();

        var unmapped = columns.Where(c => tables.Contains(c.Table) && !c.Generated && !mapped.Contains((c.Table, c.Column)))
            .Select(c => $"{c.Table}.{c.Column}");

        Assert.Empty(unmapped);
        Assert.Contains(columns, c => c is { Table: "allocations", Column: "blocked_range", Generated: true });
    }

    [Fact]
    public async Task Allocations_carry_the_exclusion_constraint()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'allocations_no_overlap' AND contype = 'x'", connection);
        var definition = (string?)await command.ExecuteScalarAsync();

        Assert.Equal("EXCLUDE USING gist (resource_id WITH =, blocked_range WITH &&) WHERE (holds)", definition);
    }

    private static string Normalize(string? type) => (type ?? string.Empty).ToLowerInvariant() switch
    {
        "timestamp with time zone" => "timestamptz",
        "integer" => "int4",
        "int" => "int4",
        "boolean" => "bool",
        "double precision" => "float8",
        var other => other,
    };
}
