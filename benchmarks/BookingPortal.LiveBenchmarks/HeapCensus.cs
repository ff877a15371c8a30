using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Runtime;

namespace BookingPortal.Benchmarks;

/// <summary>
/// The reachable objects of another .NET process, counted and summed by type, read with ClrMD from a heap dump the
/// runtime writes on request (attaching with ptrace instead hung here). Comparing two censuses shows what each open
/// page keeps on the server.
/// </summary>
internal sealed class HeapCensus
{
    private readonly Dictionary<string, (long Count, long Bytes)> _byType;

    private HeapCensus(Dictionary<string, (long Count, long Bytes)> byType) => _byType = byType;

    public static HeapCensus Take(int processId)
    {
        var dump = Path.Combine(Path.GetTempPath(), $"bookingportal-census-{processId}-{Guid.NewGuid():N}.dmp");
        new DiagnosticsClient(processId).WriteDump(DumpType.WithHeap, dump);
        try
        {
            return Read(dump);
        }
        finally
        {
            File.Delete(dump);
        }
    }

    private static HeapCensus Read(string dump)
    {
        using var target = DataTarget.LoadDump(dump);
        using var runtime = target.ClrVersions[0].CreateRuntime();
        var heap = runtime.Heap;
        var seen = new HashSet<ulong>();
        var pending = new Stack<ClrObject>();
        foreach (var root in heap.EnumerateRoots())
        {
            if (root.Object.IsValid && seen.Add(root.Object.Address))
            {
                pending.Push(root.Object);
            }
        }

        var byType = new Dictionary<string, (long Count, long Bytes)>();
        while (pending.TryPop(out var current))
        {
            var name = current.Type?.Name ?? "?";
            var (count, bytes) = byType.GetValueOrDefault(name);
            byType[name] = (count + 1, bytes + (long)current.Size);
            foreach (var reference in current.EnumerateReferences(carefully: true, considerDependantHandles: true))
            {
                if (reference.IsValid && seen.Add(reference.Address))
                {
                    // Byte arrays are mostly buffers; who holds them tells pooled memory from per-connection memory.
                    if (reference.Type?.Name is "System.Byte[]" or "Microsoft.AspNetCore.MemoryPoolBlock" or "System.IO.Pipelines.BufferSegment")
                    {
                        var holder = $"{reference.Type.Name} held by {name}";
                        var (heldCount, heldBytes) = byType.GetValueOrDefault(holder);
                        byType[holder] = (heldCount + 1, heldBytes + (long)reference.Size);
                    }

                    pending.Push(reference);
                }
            }
        }

        return new HeapCensus(byType);
    }

    /// <summary>The types that grew most from <paramref name="before"/> to this census, per page.</summary>
    public void WriteGrowth(HeapCensus before, int pages, int top, TextWriter output)
    {
        var growth = _byType
            .Where(entry => !entry.Key.Contains(" held by ", StringComparison.Ordinal))
            .Select(entry =>
            {
                var (count, bytes) = before._byType.GetValueOrDefault(entry.Key);
                return (Type: entry.Key, Count: entry.Value.Count - count, Bytes: entry.Value.Bytes - bytes);
            })
            .OrderByDescending(entry => entry.Bytes)
            .ToList();
        output.WriteLine($"      reachable growth {growth.Sum(entry => entry.Bytes) / (double)pages / 1024:0.0} KB per page; by namespace:");
        foreach (var area in growth.GroupBy(entry => Namespace(entry.Type)).OrderByDescending(area => area.Sum(entry => entry.Bytes)).Take(12))
        {
            output.WriteLine($"        {area.Sum(entry => entry.Bytes) / (double)pages,9:0} B  {area.Key}");
        }

        output.WriteLine("      largest types:");
        foreach (var (type, count, bytes) in growth.Take(top))
        {
            output.WriteLine($"        {bytes / (double)pages,9:0} B {count / (double)pages,7:0.0}x  {type}");
        }

        output.WriteLine("      buffers by holder:");
        var holders = _byType
            .Where(entry => entry.Key.Contains(" held by ", StringComparison.Ordinal))
            .Select(entry => (entry.Key, Bytes: entry.Value.Bytes - before._byType.GetValueOrDefault(entry.Key).Bytes))
            .OrderByDescending(entry => entry.Bytes)
            .Take(16);
        foreach (var (holder, bytes) in holders)
        {
            output.WriteLine($"        {bytes / (double)pages,9:0} B  {holder}");
        }
    }

    /// <summary>The namespace of a type name, generic arguments and nested types left out.</summary>
    private static string Namespace(string type)
    {
        var plain = type.Split('<', '+', '[')[0];
        var dot = plain.LastIndexOf('.');
        return dot < 0 ? plain : plain[..dot];
    }
}
