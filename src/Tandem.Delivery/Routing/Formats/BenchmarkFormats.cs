using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tandem.Delivery.Routing.Formats;

/// <summary>
/// Solomon VRPTW text format (also Gehring &amp; Homberger): a <c>VEHICLE</c> block (number, capacity), then one row per
/// node <c>CUST NO. X Y DEMAND READY DUE SERVICE</c>; node 0 is the depot. Travel time = Euclidean distance.
/// </summary>
internal static class SolomonFormat
{
    public static RoutingProblem Read(string path, RoutingObjective objective = RoutingObjective.Distance) =>
        Parse(File.ReadAllText(path), Path.GetFileNameWithoutExtension(path), objective);

    public static RoutingProblem Parse(string text, string name, RoutingObjective objective = RoutingObjective.Distance)
    {
        var lines = text.Split('\n');
        int? vehicles = null;
        var capacity = 0;
        var rows = new List<double[]>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("VEHICLE", StringComparison.OrdinalIgnoreCase))
            {
                // Next line with two numbers: NUMBER CAPACITY (a header line sits between).
                for (var j = i + 1; j < lines.Length; j++)
                {
                    var f = Numbers(lines[j]);
                    if (f is { Length: 2 })
                    {
                        vehicles = (int)f[0];
                        capacity = (int)f[1];
                        i = j;
                        break;
                    }
                }

                continue;
            }

            var fields = Numbers(line);
            if (fields is { Length: 7 } && vehicles is not null)
            {
                rows.Add(fields);
            }
        }

        if (vehicles is null || rows.Count < 2 || rows[0][0] != 0)
        {
            throw new FormatException($"{name}: not a Solomon instance (VEHICLE block and depot row 0 expected).");
        }

        var locations = new List<Point>(rows.Count);
        var stops = new List<Stop>(rows.Count - 1);
        foreach (var r in rows)
        {
            locations.Add(new Point(r[1], r[2]));
        }

        for (var i = 1; i < rows.Count; i++)
        {
            var r = rows[i];
            stops.Add(new Stop(((int)r[0]).ToString(CultureInfo.InvariantCulture), i, (int)r[3], r[4], r[5], r[6]));
        }

        var depot = rows[0];
        var fleet = new List<Vehicle>(vehicles.Value);
        for (var v = 0; v < vehicles.Value; v++)
        {
            fleet.Add(new Vehicle($"v{v + 1}", capacity, 0, 0, depot[4], depot[5]));
        }

        return new RoutingProblem(name, locations, fleet, stops, [], EuclideanTravelTimes.Instance, objective);
    }

    internal static double[]? Numbers(string line)
    {
        var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return null;
        }

        var result = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]))
            {
                return null;
            }
        }

        return result;
    }
}

/// <summary>
/// Li &amp; Lim PDPTW text format: first line <c>K Q speed</c>, then <c>id x y demand ready due service pickup delivery</c>;
/// a pickup row has delivery &gt; 0, a delivery row has pickup &gt; 0; node 0 is the depot. Time = distance / speed.
/// </summary>
internal static class LiLimFormat
{
    public static RoutingProblem Read(string path, RoutingObjective objective = RoutingObjective.VehiclesThenDistance) =>
        Parse(File.ReadAllText(path), Path.GetFileNameWithoutExtension(path), objective);

    public static RoutingProblem Parse(string text, string name, RoutingObjective objective = RoutingObjective.VehiclesThenDistance)
    {
        var lines = text.Split('\n');
        double[]? head = null;
        var rows = new List<double[]>();
        foreach (var line in lines)
        {
            var f = SolomonFormat.Numbers(line);
            if (f is null)
            {
                continue;
            }

            if (head is null)
            {
                head = f.Length == 3 ? f : throw new FormatException($"{name}: first line must be 'K Q speed'.");
            }
            else if (f.Length == 9)
            {
                rows.Add(f);
            }
            else
            {
                throw new FormatException($"{name}: node row with {f.Length} fields.");
            }
        }

        if (head is null || rows.Count < 3 || rows[0][0] != 0)
        {
            throw new FormatException($"{name}: not a Li & Lim instance.");
        }

        var speed = head[2] > 0 ? head[2] : 1;
        var locations = new List<Point>(rows.Count);
        var stops = new List<Stop>(rows.Count - 1);
        var pairs = new List<PickupDelivery>();
        var index = new Dictionary<int, int>();
        for (var i = 0; i < rows.Count; i++)
        {
            locations.Add(new Point(rows[i][1], rows[i][2]));
            index[(int)rows[i][0]] = i - 1;
        }

        for (var i = 1; i < rows.Count; i++)
        {
            var r = rows[i];
            stops.Add(new Stop(((int)r[0]).ToString(CultureInfo.InvariantCulture), i, (int)Math.Abs(r[3]), r[4], r[5], r[6]));
        }

        for (var i = 1; i < rows.Count; i++)
        {
            var r = rows[i];
            if (r[8] > 0)
            {
                if (!index.TryGetValue((int)r[8], out var d) || d < 0 || (int)rows[d + 1][7] != (int)r[0])
                {
                    throw new FormatException($"{name}: pickup {r[0]} names delivery {r[8]} that does not name it back.");
                }

                pairs.Add(new PickupDelivery(i - 1, d));
            }
            else if (r[7] <= 0)
            {
                throw new FormatException($"{name}: node {r[0]} is neither pickup nor delivery.");
            }
        }

        var depot = rows[0];
        var fleet = new List<Vehicle>();
        for (var v = 0; v < (int)head[0]; v++)
        {
            fleet.Add(new Vehicle($"v{v + 1}", (int)head[1], 0, 0, depot[4], depot[5]));
        }

        ITravelTimes travel = speed == 1 ? EuclideanTravelTimes.Instance : new ScaledEuclideanTravelTimes(speed);
        return new RoutingProblem(name, locations, fleet, stops, pairs, travel, objective);
    }

    private sealed class ScaledEuclideanTravelTimes(double speed) : ITravelTimes
    {
        public TravelMatrix Build(IReadOnlyList<Point> locations, string profile)
        {
            var m = EuclideanTravelTimes.Instance.Build(locations, profile);
            var n = m.Size;
            var d = new double[n * n];
            var t = new double[n * n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    d[i * n + j] = m.Distance(i, j);
                    t[i * n + j] = m.Distance(i, j) / speed;
                }
            }

            return new TravelMatrix(n, d, t);
        }
    }
}

/// <summary>One best-known solution record of a <c>BKS.json</c> file.</summary>
internal sealed record BestKnown(
    [property: JsonPropertyName("best_known_cost")] double Cost,
    [property: JsonPropertyName("solved_with_vehicles")] int Vehicles,
    [property: JsonPropertyName("class")] string? Class = null);

/// <summary>Reads a <c>BKS.json</c>: instance name → best-known solution.</summary>
internal static class BestKnownSolutions
{
    public static IReadOnlyDictionary<string, BestKnown> Read(string path) => Parse(File.ReadAllText(path));

    public static IReadOnlyDictionary<string, BestKnown> Parse(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, BestKnown>>(json) ?? throw new FormatException("BKS.json is empty.");

    /// <summary>
    /// The record to score against: the <c>_distance</c> record for a distance objective when there is one, else the plain one.
    /// </summary>
    public static BestKnown? For(IReadOnlyDictionary<string, BestKnown> records, string instance, RoutingObjective objective)
    {
        if (objective == RoutingObjective.Distance && records.TryGetValue(instance + "_distance", out var d))
        {
            return d;
        }

        return records.TryGetValue(instance, out var r) ? r : null;
    }
}
