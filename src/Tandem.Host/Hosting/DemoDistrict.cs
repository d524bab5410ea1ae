using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Catalog.Products;
using Tandem.Delivery.Companies;
using Tandem.Delivery.Couriers;
using Tandem.Delivery.Tracking;
using Tandem.Delivery.Zones;
using Tandem.Identity;
using Tandem.Identity.Contracts;
using Tandem.Identity.Tokens;
using Tandem.Identity.Users;
using Tandem.Inventory.Stock;
using Tandem.Kernel;
using Tandem.Kernel.Persistence;
using Tandem.Kernel.Tenancy;
using Tandem.Merchants.Contracts;
using Tandem.Merchants.Merchants;
using Tandem.Merchants.Staff;
using Tandem.Merchants.Stores;
using Tandem.Traceability.Contracts;

namespace Tandem.Host.Hosting;

/// <summary>
/// The demo district around West Lake, Hangzhou: accounts, five merchants, their stores and products.
/// Loaded through the modules' own handlers (the same validation as the API), only into an empty
/// database, so it never runs twice and never mixes with real data.
/// </summary>
internal static class DemoDistrict
{
    /// <summary>The password of every demo account.</summary>
    public const string Password = "tandem-demo";

    /// <summary>West Lake (西湖), the centre of the district.</summary>
    public static readonly GeoPoint Centre = new(30.2741, 120.1551);

    public sealed record DemoAccount(string Phone, string Role, string DisplayName);

    /// <summary>Every demo account with its role, printed at startup.</summary>
    public static readonly DemoAccount[] Accounts =
    [
        new("+8613900000001", "platform admin", "平台管理员 Admin"),
        new("+8613900000002", "consumer", "林小溪 Lin Xiaoxi"),
        new("+8613900000003", "courier", "骑手周师傅 Courier Zhou"),
        new("+8613900000004", "regulator", "西湖区市场监管局 Regulator"),
        new("+8613900000005", "courier", "骑手吴小哥 Courier Wu"),
        new("+8613900000101", "owner of 湖滨鲜果超市 Hubin Fresh Grocer", "陈湖滨 Chen Hubin"),
        new("+8613900000102", "owner of 龙井问茶 Longjing Tea House", "翁采茶 Weng Caicha"),
        new("+8613900000103", "owner of 麦香坊面包 Maixiang Bakery", "麦师傅 Mai Shifu"),
        new("+8613900000104", "owner of 仁心大药房 Renxin Pharmacy", "沈仁心 Shen Renxin"),
        new("+8613900000105", "owner of 西湖草莓合作社 West Lake Strawberry Co-op", "莫草莓 Mo Caomei"),
        new("+8613900000201", "staff of 湖滨鲜果超市 Hubin Fresh Grocer", "店员小何 Clerk He"),
        new("+8613900000301", "owner and dispatcher of 西湖同城速递 West Lake Express (delivery company; rider: Courier Wu)", "郑调度 Zheng Diaodu"),
    ];

    /// <summary>
    /// The demo delivery company: Courier Wu rides for it, and it carries for two stores of different merchants near each
    /// other (the Wulin bakery and the Huanglong pharmacy), so its rider's routes join both. Courier Zhou stays independent.
    /// </summary>
    public static readonly (string OwnerPhone, string Name, string CreditCode, string RiderPhone, string[] Stores) Company =
        ("+8613900000301", "西湖同城速递 West Lake Express", "91330106MA2WE5PX32", "+8613900000005", ["武林店 Wulin", "黄龙店 Huanglong"]);

    public sealed record DemoStore(string Name, string Address, double Lat, double Lng, double? DeliveryRadiusKm = null, long DeliveryFee = 0,
        string Opens = "08:00", string Closes = "21:00");

    public sealed record DemoProduct(string Gtin, string Name, string NameEn, long Price, string Unit, string? Description = null);

    public sealed record DemoMerchant(string OwnerPhone, string Name, string CreditCode, DemoStore[] Stores, DemoProduct[] Products);

    /// <summary>One stock count the inventory module applies after the catalogue is loaded.</summary>
    public sealed record DemoStock(Guid StoreId, string StoreName, Guid ProductId, string ProductName, int OnHand, Guid OwnerId);

    public static readonly DemoMerchant[] Merchants =
    [
        new("+8613900000101", "湖滨鲜果超市 Hubin Fresh Grocer", "91330102MA2H4R7K3R",
            [
                new("湖滨店 Hubin", "杭州市上城区湖滨路 23 号", 30.2592, 120.1637, DeliveryRadiusKm: 3, DeliveryFee: 500, Opens: "07:30", Closes: "22:00"),
                new("文三路店 Wensan Road", "杭州市西湖区文三路 259 号", 30.2790, 120.1300, DeliveryRadiusKm: 3, DeliveryFee: 500, Opens: "07:30", Closes: "22:00"),
            ],
            [
                new("6928810001014", "红富士苹果", "Fuji apples", 1280, "1kg"),
                new("6928810001021", "海南香蕉", "Hainan bananas", 690, "1kg"),
                new("6928810001038", "赣南脐橙", "Gannan navel oranges", 2990, "2.5kg"),
                new("6928810001045", "新疆哈密瓜", "Hami melon", 2500, "个"),
                new("6928810001052", "山东大葱", "Shandong scallions", 350, "500g"),
                new("6928810001069", "东北大米", "Northeast rice", 3990, "5kg"),
                new("6928810001076", "鲜牛奶", "Fresh milk", 1350, "950ml"),
                new("6928810001083", "鲜鸡蛋", "Fresh eggs", 1200, "10个"),
                new("6928810001090", "酿造老抽酱油", "Dark soy sauce", 990, "500ml"),
                new("6928810001106", "镇江香醋", "Zhenjiang black vinegar", 850, "500ml"),
                new("6928810001113", "千岛湖鱼头", "Qiandao Lake fish head", 3800, "个", "千岛湖鳙鱼头，适合做砂锅鱼头豆腐。"),
                new("6928810001120", "西湖莲藕", "West Lake lotus root", 780, "500g"),
                new("6928810001137", "嘉兴鲜肉粽", "Jiaxing pork zongzi", 1990, "4个"),
                new("6928810001144", "饮用天然水", "Still drinking water", 200, "550ml"),
            ]),
        new("+8613900000102", "龙井问茶 Longjing Tea House", "91330106MA2CFL8N1A",
            [
                new("龙井村茶舍 Longjing Village", "杭州市西湖区龙井路龙井村 18 号", 30.2270, 120.1200, Opens: "09:00", Closes: "18:00"),
                new("河坊街店 Hefang Street", "杭州市上城区河坊街 108 号", 30.2420, 120.1690, DeliveryRadiusKm: 5, DeliveryFee: 800, Opens: "09:00", Closes: "21:30"),
            ],
            [
                new("6935070001012", "西湖龙井 明前特级", "West Lake Longjing, pre-Qingming premium", 68800, "250g", "狮峰山脚核心产区，明前手工炒制。\nHand-roasted before Qingming."),
                new("6935070001029", "西湖龙井 雨前一级", "West Lake Longjing, pre-Guyu grade one", 29800, "250g"),
                new("6935070001036", "狮峰龙井 明前", "Shifeng Longjing, pre-Qingming", 39800, "100g"),
                new("6935070001043", "九曲红梅", "Jiuqu Hongmei black tea", 12800, "100g"),
                new("6935070001050", "安吉白茶", "Anji white tea", 16800, "100g"),
                new("6935070001067", "杭白菊", "Hangzhou chrysanthemum", 3600, "50g"),
                new("6935070001074", "径山茶", "Jingshan tea", 15800, "100g"),
                new("6935070001081", "西湖龙井礼盒", "West Lake Longjing gift box", 88800, "2×125g"),
                new("6935070001098", "龙泉青瓷盖碗", "Longquan celadon gaiwan", 15800, "个"),
                new("6935070001104", "龙井茶酥", "Longjing tea pastry", 4800, "盒"),
            ]),
        new("+8613900000103", "麦香坊面包 Maixiang Bakery", "91330105MA2J0T6W5R",
            [
                new("武林店 Wulin", "杭州市拱墅区武林路 120 号", 30.2770, 120.1650, DeliveryRadiusKm: 2, DeliveryFee: 300, Opens: "07:00", Closes: "21:00"),
            ],
            [
                new("6942160001012", "全麦吐司", "Whole wheat loaf", 1600, "个"),
                new("6942160001029", "黄油可颂", "Butter croissant", 950, "个"),
                new("6942160001036", "肉松小贝", "Pork floss cakes", 2200, "4个"),
                new("6942160001043", "葱油花卷", "Scallion rolls", 800, "4个"),
                new("6942160001050", "定胜糕", "Dingsheng rice cakes", 1500, "6个"),
                new("6942160001067", "重芝士蛋糕", "Baked cheesecake", 9800, "6寸"),
                new("6942160001074", "法棍", "Baguette", 1200, "根"),
                new("6942160001081", "蛋黄酥", "Egg yolk pastries", 3600, "6个"),
                new("6942160001098", "红豆面包", "Red bean bun", 650, "个"),
                new("6942160001104", "桂花糕", "Osmanthus cake", 1800, "盒"),
            ]),
        new("+8613900000104", "仁心大药房 Renxin Pharmacy", "91330106MA27Y3QX8E",
            [
                new("黄龙店 Huanglong", "杭州市西湖区曙光路 75 号", 30.2710, 120.1380, DeliveryRadiusKm: 5, DeliveryFee: 0, Opens: "00:00", Closes: "24:00"),
                new("南山路店 Nanshan Road", "杭州市上城区南山路 202 号", 30.2480, 120.1600, Opens: "08:00", Closes: "22:00"),
            ],
            [
                new("6953380001010", "医用外科口罩", "Surgical masks", 2500, "50只"),
                new("6953380001027", "75% 酒精消毒液", "75% alcohol disinfectant", 1280, "500ml"),
                new("6953380001034", "电子体温计", "Digital thermometer", 2990, "支"),
                new("6953380001041", "维生素C片", "Vitamin C tablets", 1980, "100片"),
                new("6953380001058", "创可贴", "Adhesive bandages", 1500, "100片"),
                new("6953380001065", "医用棉签", "Cotton swabs", 650, "200支"),
                new("6953380001072", "板蓝根颗粒", "Banlangen granules", 1850, "20袋"),
                new("6953380001089", "布洛芬缓释胶囊", "Ibuprofen sustained-release capsules", 2200, "24粒", "非处方药（OTC），请按说明书使用。"),
                new("6953380001096", "碘伏消毒液", "Povidone-iodine solution", 880, "100ml"),
                new("6953380001102", "上臂式电子血压计", "Upper-arm blood pressure monitor", 19900, "台"),
            ]),
        new("+8613900000105", "西湖草莓合作社 West Lake Strawberry Co-op", "93330106MA2GX8PD23",
            [
                new("梅家坞直销点 Meijiawu farm shop", "杭州市西湖区梅家坞村 66 号", 30.2050, 120.1050, DeliveryRadiusKm: 10, DeliveryFee: 1000, Opens: "08:00", Closes: "17:30"),
            ],
            [
                new("6967420001014", "红颜草莓", "Hongyan strawberries", 3990, "500g", "当天采摘，冷链直送。\nPicked this morning."),
                new("6967420001021", "章姬草莓", "Akihime strawberries", 4500, "500g"),
                new("6967420001038", "草莓礼盒", "Strawberry gift box", 16800, "2kg"),
                new("6967420001045", "草莓果酱", "Strawberry jam", 2800, "300g"),
                new("6967420001052", "土鸡蛋", "Free-range eggs", 5800, "30个"),
                new("6967420001069", "高山茭白", "Highland water bamboo", 980, "500g"),
                new("6967420001076", "冬笋", "Winter bamboo shoots", 2200, "500g"),
                new("6967420001083", "农家米酒", "Farmhouse rice wine", 3500, "1L"),
            ]),
    ];

    public static async Task SeedAsync(IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<TandemDbContext>();
        if (await db.Set<Merchant>().AnyAsync(ct) || await db.Set<TandemUser>().AnyAsync(ct))
        {
            if (await db.Set<TandemUser>().AnyAsync(u => u.PhoneNumber == Accounts[0].Phone, ct))
            {
                PrintAccounts(logger);
            }
            else
            {
                logger.LogInformation("The database is not empty: the demo district is not loaded");
            }

            return;
        }

        logger.LogInformation("Loading the demo district around West Lake");
        var users = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var account in Accounts)
        {
            var registered = Value(await Register.Handle(new RegisterRequest(account.Phone, Password, account.DisplayName),
                sp.GetRequiredService<UserManager<TandemUser>>(), sp.GetRequiredService<AccessTokens>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IConfiguration>(), ct));
            users[account.Phone] = registered.UserId;
        }

        // The admin comes from configuration (Tandem:Platform:AdminPhones), as on any start; the admin grants the rest.
        await IdentityModule.BootstrapAdminsAsync(sp, sp.GetRequiredService<IConfiguration>(), logger, ct);
        await GrantAsync(sp, users["+8613900000003"], PlatformRoles.Courier);
        await GrantAsync(sp, users["+8613900000004"], PlatformRoles.Regulator);
        await GrantAsync(sp, users["+8613900000005"], PlatformRoles.Courier);

        var stock = new List<DemoStock>();
        var made = new Dictionary<string, (Guid MerchantId, List<Guid> Stores, Dictionary<string, Guid> Products)>(StringComparer.Ordinal);
        foreach (var demo in Merchants)
        {
            var owner = Principal(users[demo.OwnerPhone]);
            var merchant = Value(await CreateMerchant.Handle(new CreateMerchantRequest(demo.Name, demo.CreditCode), owner, db,
                sp.GetRequiredService<TimeProvider>(), ct));

            var stores = new List<StoreResponse>();
            foreach (var s in demo.Stores)
            {
                var delivery = s.DeliveryRadiusKm is { } radius ? new DeliveryDto(radius, new MoneyDto(s.DeliveryFee, Money.Cny)) : null;
                var hours = OpeningHours.Days.Select(day => (OpeningPeriodDto?)new OpeningPeriodDto(day, s.Opens, s.Closes)).ToList();
                var store = Value(await CreateStore.Handle(merchant.MerchantId,
                    new CreateStoreRequest(s.Name, s.Address, new LocationDto(s.Lat, s.Lng), true, delivery, hours),
                    owner, db, sp.GetRequiredService<IMerchantAccess>(), sp.GetRequiredService<TimeProvider>(), ct));
                stores.Add(store);
                if (s.DeliveryRadiusKm is { } km)
                {
                    await DeliverySettingsAsync(sp, store.StoreId, km, s.DeliveryFee, owner, ct);
                }
            }

            var n = 0;
            var products = new Dictionary<string, Guid>(StringComparer.Ordinal);
            made[demo.CreditCode] = (merchant.MerchantId, stores.Select(st => st.StoreId).ToList(), products);
            foreach (var p in demo.Products)
            {
                var product = Value(await CreateProduct.Handle(merchant.MerchantId,
                    new ProductRequest(p.Name, new MoneyDto(p.Price, Money.Cny), p.Gtin, p.Description, p.Unit, p.NameEn),
                    owner, db, sp.GetRequiredService<IMerchantAccess>(), sp.GetRequiredService<TimeProvider>(), ct));
                products[p.Gtin] = product.ProductId;
                foreach (var store in stores)
                {
                    // Plenty of most things, a few nearly sold out, one item out of stock per store.
                    var onHand = (n++ * 7 % 11) switch { 0 => 0, 1 => 2, var k => 6 * k };
                    stock.Add(new DemoStock(store.StoreId, store.Name, product.ProductId, product.Name, onHand, users[demo.OwnerPhone]));
                }
            }
        }

        var grocer = await db.Set<Merchant>().SingleAsync(m => m.CreditCode == Merchants[0].CreditCode, ct);
        Value(await AddStaff.Handle(grocer.Id, new AddStaffRequest("+8613900000201", "staff"), Principal(users[Merchants[0].OwnerPhone]), db,
            sp.GetRequiredService<IMerchantAccess>(), sp.GetRequiredService<IUserDirectory>(), sp.GetRequiredService<TimeProvider>(), ct));

        await CountStockAsync(sp, stock, logger, ct);
        await SeedTraceChainsAsync(sp, made, users, logger, ct);
        foreach (var (phone, vehicle, capacity) in Couriers)
        {
            Value(await Shifts.Put(new ShiftRequest(true, vehicle, capacity), Principal(users[phone]), db, sp.GetRequiredService<TimeProvider>(), ct));
        }

        await SeedCompanyAsync(sp, users, made, ct);
        logger.LogInformation("Demo district loaded: {Merchants} merchants, {Stores} stores, {Products} products",
            Merchants.Length, Merchants.Sum(m => m.Stores.Length), Merchants.Sum(m => m.Products.Length));
        PrintAccounts(logger);
    }

    /// <summary>
    /// The trace chains a visitor can scan (Traceability's own seeder, which captures real EPCIS documents through its event
    /// log): West Lake Longjing from the tea house's garden at Longjing Village to its Hefang Street shop, and strawberries
    /// from the co-op's farm to the Hubin grocer.
    /// </summary>
    private static async Task SeedTraceChainsAsync(
        IServiceProvider sp, Dictionary<string, (Guid MerchantId, List<Guid> Stores, Dictionary<string, Guid> Products)> made,
        Dictionary<string, Guid> users, ILogger logger, CancellationToken ct)
    {
        var grocer = made[Merchants[0].CreditCode];
        var tea = made[Merchants[1].CreditCode];
        var farm = made[Merchants[4].CreditCode];
        var result = await sp.GetRequiredService<ITraceDemo>().SeedAsync(new DemoTraceParties(
            TeaCoopMerchantId: tea.MerchantId, TeaGardenStoreId: tea.Stores[0], TeaShopMerchantId: tea.MerchantId, TeaShopStoreId: tea.Stores[1],
            StrawberryFarmMerchantId: farm.MerchantId, StrawberryFarmStoreId: farm.Stores[0], GrocerMerchantId: grocer.MerchantId, GrocerStoreId: grocer.Stores[0],
            TeaProductId: tea.Products[Merchants[1].Products[0].Gtin], StrawberryProductId: farm.Products[Merchants[4].Products[0].Gtin],
            SeededBy: users[Merchants[1].OwnerPhone]), ct);
        logger.LogInformation("Demo trace chains loaded: scan or open {Paths}", string.Join(", ", result.LotPaths));
    }

    /// <summary>The opening stock of every demo store: one count per store and product, through the inventory module's count handler.</summary>
    public static async Task CountStockAsync(IServiceProvider services, IReadOnlyList<DemoStock> stock, ILogger logger, CancellationToken ct)
    {
        foreach (var line in stock)
        {
            Value(await CountStock.Handle(line.StoreId, line.ProductId, new CountStockRequest(line.OnHand, "demo opening stock"),
                Principal(line.OwnerId), services.GetRequiredService<StockAccess>(), services.GetRequiredService<StoreStock>(),
                services.GetRequiredService<TandemDbContext>(), ct));
        }

        logger.LogInformation("Demo stock counted: {Lines} counts across {Stores} stores", stock.Count, stock.Select(s => s.StoreId).Distinct().Count());
    }

    /// <summary>The delivery company registers, takes Courier Wu on as its rider, agrees to serve its two stores, and they choose it as carrier.</summary>
    private static async Task SeedCompanyAsync(
        IServiceProvider sp, Dictionary<string, Guid> users, Dictionary<string, (Guid MerchantId, List<Guid> Stores, Dictionary<string, Guid> Products)> made,
        CancellationToken ct)
    {
        var db = sp.GetRequiredService<TandemDbContext>();
        var clock = sp.GetRequiredService<TimeProvider>();
        var owner = Principal(users[Company.OwnerPhone]);
        var company = Value(await DeliveryCompanies.Register(new RegisterDeliveryCompanyRequest(Company.Name, Company.CreditCode), owner, db, clock, ct));
        Value(await DeliveryCompanies.AddRider(company.CompanyId, new AddRiderRequest(Company.RiderPhone), owner, db, sp.GetRequiredService<IUserDirectory>(),
            sp.GetRequiredService<IPlatformRoleGrants>(), sp.GetRequiredService<DeliveryFeed>(), sp.GetRequiredService<PositionStream>(), clock, ct));
        foreach (var storeName in Company.Stores)
        {
            var merchant = Merchants.Single(m => m.Stores.Any(st => st.Name == storeName));
            var index = Array.FindIndex(merchant.Stores, st => st.Name == storeName);
            var store = merchant.Stores[index];
            var storeId = made[merchant.CreditCode].Stores[index];
            Value(await DeliveryCompanies.Serve(company.CompanyId, new ServeStoreRequest(storeId), owner, db, sp.GetRequiredService<IStoreDirectory>(), clock, ct));
            await DeliverySettingsAsync(sp, storeId, store.DeliveryRadiusKm!.Value, store.DeliveryFee, Principal(users[merchant.OwnerPhone]), ct, company.CompanyId);
        }
    }

    /// <summary>The demo couriers, on shift from the start so dispatch has someone to plan for.</summary>
    public static readonly (string Phone, string Vehicle, int Capacity)[] Couriers =
    [
        ("+8613900000003", "scooter", 8),
        ("+8613900000005", "bicycle", 5),
    ];

    /// <summary>
    /// Delivery terms of a demo store, through the delivery module's handler: its radius, its fee as the base plus ¥1 per km,
    /// free from ¥99, 15 minutes to pack, and four daily slots of five orders.
    /// </summary>
    private static async Task DeliverySettingsAsync(
        IServiceProvider sp, Guid storeId, double radiusKm, long fee, ClaimsPrincipal owner, CancellationToken ct, Guid? carrier = null)
    {
        var request = new DeliverySettingsRequest(radiusKm, null, new MoneyDto(fee, Money.Cny), new MoneyDto(fee > 0 ? 100 : 0, Money.Cny),
            new MoneyDto(9900, Money.Cny), new MoneyDto(0, Money.Cny), 15, 480,
            [new("10:00", "12:00", 5), new("12:00", "14:00", 5), new("17:00", "19:00", 5), new("19:00", "21:00", 5)], carrier);
        Value(await StoreDeliverySettings.Put(storeId, request, owner, sp.GetRequiredService<IStoreDirectory>(), sp.GetRequiredService<IMerchantAccess>(),
            sp.GetRequiredService<TandemDbContext>(), sp.GetRequiredService<TimeProvider>(), ct));
    }

    private static void PrintAccounts(ILogger logger)
    {
        logger.LogInformation("Demo accounts (password {Password}):", Password);
        foreach (var account in Accounts)
        {
            logger.LogInformation("  {Phone}  {Role}", account.Phone, account.Role);
        }
    }

    private static async Task GrantAsync(IServiceProvider sp, Guid userId, string role) =>
        Value(await PlatformRoleGrants.Grant(userId, new GrantRoleRequest(role), sp.GetRequiredService<UserManager<TandemUser>>(),
            sp.GetRequiredService<UserSessions>()));

    private static ClaimsPrincipal Principal(Guid userId) =>
        new(new ClaimsIdentity([new Claim(TandemClaims.UserIdClaim, userId.ToString())], authenticationType: "demo"));

    /// <summary>The value of a handler's success, or a loud failure: demo data that does not validate is a bug.</summary>
    private static T Value<T>(Microsoft.AspNetCore.Http.HttpResults.Results<Created<T>, ProblemHttpResult> result) =>
        result.Result is Created<T> { Value: { } value } ? value : throw Failed(result.Result);

    private static T Value<T>(Microsoft.AspNetCore.Http.HttpResults.Results<Ok<T>, ProblemHttpResult> result) =>
        result.Result is Ok<T> { Value: { } value } ? value : throw Failed(result.Result);

    private static InvalidOperationException Failed(IResult result) =>
        new($"Loading the demo district failed: {(result as ProblemHttpResult)?.ProblemDetails.Detail ?? result.ToString()}");
}
