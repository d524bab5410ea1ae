namespace Tandem.Delivery;

/// <summary>Settings under <c>Tandem:Delivery</c>.</summary>
internal sealed class DeliveryOptions
{
    /// <summary>How often the dispatcher plans open jobs (also run on demand).</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Run a batch soon after an order becomes ready, not only on the interval.</summary>
    public bool DispatchOnReady { get; set; } = true;

    /// <summary>The solver's wall-clock budget per batch.</summary>
    public TimeSpan SolverBudget { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How far ahead a courier's shift is planned.</summary>
    public TimeSpan PlanningHorizon { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Minutes between the earliest possible arrival and the end of an "as soon as possible" window.</summary>
    public int AsapSlackMinutes { get; set; } = 30;

    /// <summary>Straight-line distance × this = road distance, for times and plans.</summary>
    public double RoadFactor { get; set; } = 1.3;

    /// <summary>Minutes spent at a store or a door.</summary>
    public double StopMinutes { get; set; } = 2;

    /// <summary>How long courier tracks are kept for disputes, then deleted.</summary>
    public TimeSpan TrackRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often old track points are swept.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A point implying a faster move than this since the previous one is flagged as a jump.</summary>
    public double MaxSpeedKmh { get; set; } = 150;

    /// <summary>How far ahead of the server's clock a point's timestamp may be (phone clocks drift).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Points older than this are refused.</summary>
    public TimeSpan MaxPointAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>At most this long between a position arriving and it being written.</summary>
    public TimeSpan WriteInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a host's claim to plan (the database lease that lets one host of several plan at a time) lasts unless
    /// renewed; renewed every third of it while a batch plans, released when it is done.
    /// </summary>
    public TimeSpan DispatchLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The road-network service for travel times, if any (<c>Tandem:Delivery:Osrm</c>).</summary>
    public Routing.OsrmOptions Osrm { get; set; } = new();
}
