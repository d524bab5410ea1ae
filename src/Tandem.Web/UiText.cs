using System.Globalization;
using System.Text.RegularExpressions;
using Tandem.Web.Api;

namespace Tandem.Web;

/// <summary>UI strings in Simplified Chinese and English, chosen by the request culture.</summary>
public sealed partial class UiText
{
    // Each area of the app keeps its strings in its own partial file (UiText.Delivery.cs, …) and adds them here.
    // Built on first use, once every part's own initialiser has run (partial files have no initialisation order).
    private static Dictionary<string, (string Zh, string En)> Texts => AllTexts.Value;

    private static class AllTexts
    {
        public static readonly Dictionary<string, (string Zh, string En)> Value = Merge(CoreTexts, DeliveryTexts, TraceTexts);
    }

    private static Dictionary<string, (string Zh, string En)> Merge(params Dictionary<string, (string Zh, string En)>[] parts)
    {
        var all = new Dictionary<string, (string Zh, string En)>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var (key, text) in part)
            {
                all.Add(key, text); // a key defined twice is a bug: fail at start-up, not show the wrong words
            }
        }

        return all;
    }

    private static readonly Dictionary<string, (string Zh, string En)> CoreTexts = new(StringComparer.Ordinal)
    {
        ["app.name"] = ("同行 Tandem", "Tandem"),
        ["home.tagline"] = ("一个货架，线上线下同时卖。", "One shelf, sold online and at the counter."),
        ["home.lead"] = ("附近的小店、菜场和药房都在这里：看看哪家有货，线上下单，到店自提或送货上门。",
            "The shops, markets and pharmacies around you, in one place: see who has it now, order online, pick it up or have it delivered."),
        ["home.merchant.title"] = ("开店的？", "Run a shop?"),
        ["home.merchant.lead"] = ("几分钟开通：同一份库存同时供柜台收银和线上订单，绝不超卖。",
            "Sign up in minutes: one stock for the counter and online orders, never oversold."),
        ["home.merchant.cta"] = ("进入商家后台", "Open the merchant console"),
        ["home.near.title"] = ("附近的门店", "Stores near you"),
        ["home.near.all"] = ("查看全部门店与地图", "All stores and the map"),
        ["home.search.placeholder"] = ("搜索商品，如 牛奶、龙井", "Search products, e.g. milk, Longjing tea"),
        ["home.how.1"] = ("找到附近有货的门店", "Find a nearby store that has it"),
        ["home.how.2"] = ("下单并用沙箱支付", "Order and pay (sandbox)"),
        ["home.how.3"] = ("凭取货码到店自提", "Pick up with your code"),

        ["nav.stores"] = ("附近门店", "Stores"),
        ["nav.search"] = ("搜索", "Search"),
        ["nav.cart"] = ("购物车", "Cart"),
        ["nav.orders"] = ("我的订单", "My orders"),
        ["nav.merchant"] = ("商家后台", "Merchant"),
        ["nav.signin"] = ("登录", "Sign in"),
        ["nav.signup"] = ("注册", "Sign up"),
        ["nav.signout"] = ("退出", "Sign out"),
        ["nav.language"] = ("语言", "Language"),
        ["nav.main"] = ("主导航", "Main navigation"),
        ["nav.skip"] = ("跳到正文", "Skip to content"),
        ["nav.home"] = ("首页", "Home"),

        ["account.signin.title"] = ("登录", "Sign in"),
        ["account.signup.title"] = ("注册账号", "Create an account"),
        ["account.phone"] = ("手机号", "Mobile number"),
        ["account.phone.hint"] = ("中国大陆手机号，11 位", "Mainland China mobile, 11 digits"),
        ["account.password"] = ("密码", "Password"),
        ["account.password.hint"] = ("至少 8 个字符", "At least 8 characters"),
        ["account.displayName"] = ("昵称", "Your name"),
        ["account.signin.submit"] = ("登录", "Sign in"),
        ["account.signup.submit"] = ("注册", "Create account"),
        ["account.no.account"] = ("还没有账号？", "No account yet?"),
        ["account.have.account"] = ("已有账号？", "Already have an account?"),
        ["account.demo"] = ("演示账号：顾客 13900000002，店主 13900000101，密码均为 tandem-demo（见 README）。", "Demo accounts: consumer 13900000002, shop owner 13900000101, password tandem-demo (see the README)."),
        ["account.signin.needed"] = ("请先登录。", "Please sign in first."),

        ["stores.title"] = ("附近门店", "Stores near you"),
        ["stores.none"] = ("附近 {0} 公里内还没有门店。", "No stores within {0} km yet."),
        ["stores.locating"] = ("正在获取你的位置…", "Finding where you are…"),
        ["stores.located"] = ("按你的位置排序", "Sorted by distance from you"),
        ["stores.centre"] = ("按西湖商圈中心排序（未获得定位）", "Sorted from the district centre (location not shared)"),
        ["stores.uselocation"] = ("使用我的位置", "Use my location"),
        ["stores.map"] = ("门店地图", "Map of stores"),
        ["stores.radius"] = ("范围", "Within"),
        ["store.pickup"] = ("到店自提", "Pickup"),
        ["store.delivery"] = ("配送 {0} 公里内，运费 {1}", "Delivery within {0} km, fee {1}"),
        ["store.nodelivery"] = ("不提供配送", "No delivery"),
        ["store.products"] = ("商品", "Products"),
        ["store.noproducts"] = ("这家店还没有上架商品。", "This store lists no products yet."),
        ["store.available"] = ("有货 {0}", "{0} in stock"),
        ["store.soldout"] = ("暂时缺货", "Sold out"),
        ["store.add"] = ("加入购物车", "Add to cart"),
        ["store.added"] = ("已加入购物车", "Added to your cart"),
        ["store.incart"] = ("购物车中 {0} 件", "{0} in cart"),
        ["store.notfound"] = ("找不到这家门店。", "This store does not exist."),
        ["store.km"] = ("{0} 公里", "{0} km"),

        ["search.title"] = ("搜索商品", "Search products"),
        ["search.submit"] = ("搜索", "Search"),
        ["search.label"] = ("商品名称或条码", "Product name or barcode"),
        ["search.instock"] = ("附近 {0} 家门店有货", "In stock at {0} stores near you"),
        ["search.instock.one"] = ("附近 1 家门店有货", "In stock at 1 store near you"),
        ["search.nostock"] = ("附近暂无现货", "Not in stock near you"),
        ["search.none"] = ("没有找到“{0}”。", "Nothing found for “{0}”."),
        ["search.hint"] = ("输入商品名称，看看附近哪家店有现货。", "Type a product name to see which nearby stores have it now."),

        ["cart.title"] = ("购物车", "Cart"),
        ["cart.empty"] = ("购物车是空的。", "Your cart is empty."),
        ["cart.browse"] = ("去逛逛附近门店", "Browse stores near you"),
        ["cart.qty"] = ("数量", "Quantity"),
        ["cart.remove"] = ("移除", "Remove"),
        ["cart.subtotal"] = ("小计", "Subtotal"),
        ["cart.deliveryfee"] = ("运费", "Delivery fee"),
        ["cart.total"] = ("合计", "Total"),
        ["cart.fulfillment"] = ("取货方式", "How you get it"),
        ["cart.pickup"] = ("到店自提", "Pick up at the store"),
        ["cart.delivery"] = ("送货上门", "Delivery to my address"),
        ["cart.address"] = ("收货地址", "Delivery address"),
        ["cart.location"] = ("收货位置（纬度,经度）", "Delivery location (lat,lng)"),
        ["cart.location.hint"] = ("默认为你当前的位置，须在门店配送范围内。", "Defaults to where you are; must be within the store's delivery radius."),
        ["cart.checkout"] = ("下单并支付", "Place order and pay"),
        ["cart.sandbox"] = ("支付走沙箱通道，不会真实扣款。", "Payment goes through the sandbox: no real money moves."),
        ["cart.unavailable"] = ("商品已下架", "No longer listed"),
        ["cart.more"] = ("加一件", "One more"),
        ["cart.less"] = ("减一件", "One fewer"),

        ["order.title"] = ("订单", "Order"),
        ["order.status"] = ("状态", "Status"),
        ["order.pickupcode"] = ("取货码", "Pickup code"),
        ["order.pickupcode.hint"] = ("到店后出示此码或二维码给店员。", "Show this code or the QR code to the staff at the counter."),
        ["order.qr"] = ("取货二维码", "Pickup QR code"),
        ["order.cancel"] = ("取消订单", "Cancel order"),
        ["order.cancel.reason"] = ("不想要了", "Changed my mind"),
        ["order.pay"] = ("去支付", "Pay now"),
        ["order.lines"] = ("商品明细", "Items"),
        ["order.placed"] = ("下单时间", "Placed"),
        ["order.atrisk"] = ("库存不足，门店可能无法备齐", "Stock shortfall: the store may not fill this"),
        ["order.live"] = ("状态会自动更新", "This page updates by itself"),
        ["order.expires"] = ("请在 {0} 前支付", "Pay before {0}"),
        ["order.notfound"] = ("找不到这个订单。", "This order does not exist."),
        ["order.mine"] = ("我的订单", "My orders"),
        ["order.none"] = ("还没有订单。", "No orders yet."),
        ["order.view"] = ("查看", "View"),
        ["order.store"] = ("门店", "Store"),
        ["order.step.paid"] = ("已支付", "Paid"),
        ["order.step.accepted"] = ("已接单", "Accepted"),
        ["order.step.ready"] = ("可取货", "Ready"),
        ["order.step.completed"] = ("已完成", "Collected"),

        ["status.awaiting_payment"] = ("待支付", "Awaiting payment"),
        ["status.paid"] = ("已支付，等待接单", "Paid, waiting for the shop"),
        ["status.accepted"] = ("门店已接单，备货中", "Accepted, being prepared"),
        ["status.ready_for_pickup"] = ("已备好，可到店取货", "Ready for pickup"),
        ["status.ready_for_dispatch"] = ("已备好，等待配送", "Ready for dispatch"),
        ["status.completed"] = ("已完成", "Completed"),
        ["status.cancelled"] = ("已取消", "Cancelled"),

        ["m.title"] = ("商家后台", "Merchant console"),
        ["m.merchants"] = ("我的商户", "My merchants"),
        ["m.nomerchants"] = ("你还没有商户。创建一个，或请店主把你加为员工。", "You have no merchant yet. Create one, or ask an owner to add you as staff."),
        ["m.create"] = ("创建商户", "Create a merchant"),
        ["m.name"] = ("名称", "Name"),
        ["m.creditCode"] = ("统一社会信用代码", "Unified social credit code"),
        ["m.creditCode.hint"] = ("18 位，营业执照上可以找到", "18 characters, printed on the business licence"),
        ["m.role"] = ("角色", "Role"),
        ["m.stores"] = ("门店", "Stores"),
        ["m.nostores"] = ("还没有门店。", "No stores yet."),
        ["m.store.create"] = ("新开门店", "Open a store"),
        ["m.store.address"] = ("地址", "Address"),
        ["m.store.lat"] = ("纬度", "Latitude"),
        ["m.store.lng"] = ("经度", "Longitude"),
        ["m.store.pickup"] = ("提供到店自提", "Offer pickup"),
        ["m.store.delivery"] = ("提供配送", "Offer delivery"),
        ["m.store.radius"] = ("配送半径（公里）", "Delivery radius (km)"),
        ["m.store.fee"] = ("运费（元）", "Delivery fee (yuan)"),
        ["m.store.hours"] = ("营业时间", "Opening hours"),
        ["m.store.save"] = ("保存", "Save"),
        ["m.store.saved"] = ("已保存。", "Saved."),
        ["m.store.settings"] = ("门店设置", "Store settings"),
        ["m.board"] = ("订单看板", "Order board"),
        ["m.stock"] = ("库存", "Stock"),
        ["m.pos"] = ("收银台", "POS"),
        ["m.products"] = ("商品", "Products"),
        ["m.staff"] = ("员工", "Staff"),
        ["m.open"] = ("打开", "Open"),
        ["role.owner"] = ("店主", "Owner"),
        ["role.manager"] = ("店长", "Manager"),
        ["role.staff"] = ("店员", "Staff"),

        ["p.title"] = ("商品", "Products"),
        ["p.new"] = ("新增商品", "New product"),
        ["p.edit"] = ("编辑商品", "Edit product"),
        ["p.name"] = ("商品名称", "Name"),
        ["p.price"] = ("价格（元）", "Price (yuan)"),
        ["p.gtin"] = ("商品条码 GTIN", "Barcode (GTIN)"),
        ["p.gtin.hint"] = ("8/12/13/14 位，可留空", "8, 12, 13 or 14 digits; optional"),
        ["p.unit"] = ("单位", "Unit"),
        ["p.description"] = ("描述", "Description"),
        ["p.save"] = ("保存商品", "Save product"),
        ["p.saved"] = ("商品已保存。", "Product saved."),
        ["p.none"] = ("还没有商品。新增一个，或从 CSV 导入。", "No products yet. Add one, or import a CSV."),
        ["p.import"] = ("从 CSV 导入", "Import CSV"),

        ["imp.title"] = ("导入商品目录", "Import a catalogue"),
        ["imp.lead"] = ("CSV 或 Excel 第一张表的列：gtin,name,price,然后每家门店一列库存（列名为门店名称或门店 ID）。价格以元为单位，如 12.99。整份文件先全部检查：只要有一行有错就一行也不导入。",
            "Columns of a CSV file or an Excel workbook's first sheet: gtin,name,price, then one stock column per store (headed by the store's name or id). Prices in yuan such as 12.99. The whole file is checked first: if any row is wrong, nothing is imported."),
        ["imp.file"] = ("CSV 或 Excel (.xlsx) 文件", "CSV or Excel (.xlsx) file"),
        ["imp.unreadable"] = ("无法读取这个 Excel 文件：请另存为 .xlsx 或 CSV 后重试。", "This Excel file cannot be read: save it as .xlsx or CSV and try again."),
        ["imp.check"] = ("检查并导入", "Check and import"),
        ["imp.bad"] = ("文件有 {0} 行错误，没有导入任何内容：", "{0} rows are wrong; nothing was imported:"),
        ["imp.row"] = ("第 {0} 行", "Row {0}"),
        ["imp.done"] = ("已导入 {0} 个商品。", "Imported {0} products."),
        ["imp.sample"] = ("示例", "Example"),
        ["imp.empty"] = ("文件是空的。", "The file is empty."),
        ["imp.header"] = ("第一行须是表头：gtin,name,price[,门店…]", "The first line must be the header: gtin,name,price[,stores…]"),
        ["imp.unknownstore"] = ("表头“{0}”不是你的门店", "Header “{0}” is not one of your stores"),
        ["imp.columns"] = ("列数不对（应为 {0} 列）", "Wrong number of columns (expected {0})"),
        ["imp.gtin"] = ("条码无效", "Invalid barcode"),
        ["imp.gtin.dup"] = ("条码在文件中重复（第 {0} 行）", "Barcode repeated in the file (row {0})"),
        ["imp.gtin.taken"] = ("条码已被已有商品使用", "Barcode already used by an existing product"),
        ["imp.name"] = ("名称须为 1–100 个字符", "Name must be 1–100 characters"),
        ["imp.price"] = ("价格须为不小于 0 的金额，如 12.99", "Price must be an amount ≥ 0 such as 12.99"),
        ["imp.stock"] = ("门店“{0}”的库存须为不小于 0 的整数", "Stock for “{0}” must be a whole number ≥ 0"),
        ["imp.toolarge"] = ("文件太大（最多 2000 行）", "File too large (at most 2,000 rows)"),
        ["imp.failed"] = ("导入中途失败：{0}", "Import failed part-way: {0}"),

        ["s.title"] = ("库存", "Stock"),
        ["s.onhand"] = ("在库", "On hand"),
        ["s.reserved"] = ("已预留", "Reserved"),
        ["s.available"] = ("可售", "Available"),
        ["s.low"] = ("库存偏低", "Low stock"),
        ["s.count"] = ("盘点", "Count"),
        ["s.receipt"] = ("入库", "Receipt"),
        ["s.damage"] = ("报损", "Damage"),
        ["s.qty"] = ("数量", "Quantity"),
        ["s.apply"] = ("记录", "Record"),
        ["s.movements"] = ("变动记录", "Movements"),
        ["s.at"] = ("时间", "When"),
        ["s.delta"] = ("变动", "Change"),
        ["s.reason"] = ("原因", "Reason"),
        ["s.after"] = ("变动后在库", "On hand after"),
        ["s.reference"] = ("关联", "Reference"),
        ["s.nomovements"] = ("还没有变动。", "No movements yet."),
        ["s.threshold"] = ("低于 {0} 件标为偏低", "Below {0} counts as low"),
        ["s.updated"] = ("库存已更新。", "Stock updated."),
        ["reason.receipt"] = ("入库", "receipt"),
        ["reason.count"] = ("盘点", "count"),
        ["reason.damage"] = ("报损", "damage"),
        ["reason.return"] = ("退货", "return"),
        ["reason.transfer"] = ("调拨", "transfer"),
        ["reason.other"] = ("其他", "other"),
        ["reason.sale"] = ("自提售出", "pickup sale"),
        ["reason.pos_sale"] = ("柜台售出", "counter sale"),

        ["b.title"] = ("订单看板", "Order board"),
        ["b.new"] = ("新订单", "New"),
        ["b.accepted"] = ("备货中", "Preparing"),
        ["b.ready"] = ("待取货", "Ready"),
        ["b.accept"] = ("接单", "Accept"),
        ["b.markready"] = ("备好了", "Mark ready"),
        ["b.handover"] = ("交付", "Hand over"),
        ["b.code"] = ("顾客的取货码", "Customer's pickup code"),
        ["b.code.scan"] = ("输入或扫描取货码直接交付", "Type or scan a pickup code to hand over"),
        ["b.empty"] = ("暂无", "None"),
        ["b.atrisk"] = ("缺货风险", "At risk"),
        ["b.newbadge"] = ("{0} 个新订单", "{0} new"),
        ["b.live"] = ("实时更新", "Live"),
        ["b.polling"] = ("每 {0} 秒刷新", "Refreshing every {0} s"),
        ["b.handedover"] = ("订单 {0} 已交付。", "Order {0} handed over."),
        ["b.cancel"] = ("取消", "Cancel"),
        ["b.cancel.reason"] = ("门店取消", "Cancelled by the store"),
        ["b.items"] = ("{0} 件", "{0} items"),
        ["b.delivery"] = ("配送", "Delivery"),
        ["b.pickup"] = ("自提", "Pickup"),
        ["b.sound"] = ("开启提示音", "Turn on sound"),

        ["pos.title"] = ("收银台", "Point of sale"),
        ["pos.scan"] = ("扫描或输入条码，回车", "Scan or type a barcode, then Enter"),
        ["pos.unknown"] = ("没有条码为 {0} 的商品", "No product with barcode {0}"),
        ["pos.total"] = ("合计", "Total"),
        ["pos.cash"] = ("现金 (F2)", "Cash (F2)"),
        ["pos.card"] = ("刷卡 (F3)", "Card (F3)"),
        ["pos.clear"] = ("清空 (Esc)", "Clear (Esc)"),
        ["pos.empty"] = ("扫描第一件商品开始。", "Scan the first item to start."),
        ["pos.receipt"] = ("小票", "Receipt"),
        ["pos.print"] = ("打印小票 (F4)", "Print receipt (F4)"),
        ["pos.next"] = ("下一位 (Enter)", "Next customer (Enter)"),
        ["pos.done"] = ("收款完成", "Payment taken"),
        ["pos.keys"] = ("键盘：条码+回车 加商品；+/- 改最后一件数量；F2 现金；F3 刷卡；Esc 清空。", "Keys: barcode+Enter adds; +/- change the last line; F2 cash; F3 card; Esc clears."),
        ["pos.method.cash"] = ("现金", "Cash"),
        ["pos.method.card"] = ("银行卡", "Card"),
        ["pos.sale"] = ("销售单号", "Sale"),

        ["staff.title"] = ("员工", "Staff"),
        ["staff.add"] = ("添加员工", "Add staff"),
        ["staff.phone"] = ("员工手机号（须已注册）", "Their mobile number (must have an account)"),
        ["staff.added"] = ("已添加。", "Added."),
        ["staff.none"] = ("只有你自己。", "Just you so far."),

        ["common.save"] = ("保存", "Save"),
        ["common.back"] = ("返回", "Back"),
        ["common.loading"] = ("加载中…", "Loading…"),
        ["common.error"] = ("出错了：{0}", "Something went wrong: {0}"),
        ["common.yes"] = ("是", "Yes"),
        ["common.no"] = ("否", "No"),
        ["common.optional"] = ("选填", "optional"),
        ["common.notfound"] = ("页面不存在。", "This page does not exist."),
        ["common.close"] = ("关闭", "Close"),

        ["err.required"] = ("必填", "Required"),
        ["err.invalid"] = ("格式不正确", "Not valid"),
        ["err.toolong"] = ("太长了", "Too long"),
        ["err.negative"] = ("不能为负数", "Must not be negative"),
        ["err.invalid_phone"] = ("请输入中国大陆手机号（11 位，1 开头）", "Enter a mainland China mobile number (11 digits starting with 1)"),
        ["err.weak_password"] = ("密码须为 8–128 个字符", "The password must be 8–128 characters"),
        ["err.phone_taken"] = ("这个手机号已注册，请直接登录", "This number already has an account: sign in instead"),
        ["err.invalid_credentials"] = ("手机号或密码不对", "Wrong mobile number or password"),
        ["err.locked_out"] = ("失败次数太多，账号已锁定 5 分钟", "Too many failed attempts: the account is locked for 5 minutes"),
        ["err.rate_limited"] = ("操作太频繁，请稍后再试", "Too many requests: try again shortly"),
        ["err.invalid_credit_code"] = ("统一社会信用代码不正确（18 位，校验位须正确）", "Not a valid unified social credit code (18 characters with the right check character)"),
        ["err.credit_code_taken"] = ("这个信用代码已被登记", "This credit code is already registered"),
        ["err.user_not_found"] = ("没有用这个手机号注册的用户", "No user has this mobile number"),
        ["err.already_staff"] = ("此人已是员工", "Already on the staff"),
        ["err.invalid_gtin"] = ("条码无效（须为 8/12/13/14 位且校验位正确）", "Invalid barcode (8, 12, 13 or 14 digits with the right check digit)"),
        ["err.gtin_taken"] = ("已有商品使用这个条码", "Another product already has this barcode"),
        ["err.out_of_stock"] = ("部分商品库存不足", "Some items are out of stock"),
        ["err.unknown_store"] = ("门店不存在", "Unknown store"),
        ["err.unknown_product"] = ("商品不存在", "Unknown product"),
        ["err.pickup_not_offered"] = ("这家店不提供自提", "This store does not offer pickup"),
        ["err.outside_delivery_area"] = ("地址不在门店配送范围内", "This address is outside the store's delivery area"),
        ["err.order_expired"] = ("订单已超时，库存已释放", "The order expired and its stock was released"),
        ["err.invalid_transition"] = ("订单状态已变化，请刷新", "The order has moved on: refresh"),
        ["err.wrong_pickup_code"] = ("取货码不对", "Wrong pickup code"),
        ["err.pickup_code_locked"] = ("错误次数太多，15 分钟内不能再试", "Too many wrong codes: locked for 15 minutes"),
        ["err.not_found"] = ("找不到", "Not found"),
        ["err.forbidden"] = ("你的角色不能执行此操作", "Your role may not do this"),
        ["err.unauthenticated"] = ("登录已过期，请重新登录", "Your session expired: sign in again"),
        ["err.validation_failed"] = ("请检查标出的字段", "Check the marked fields"),
        ["err.unsupported_currency"] = ("只支持人民币", "Only CNY is supported"),
        ["err.idempotency_key_in_use"] = ("正在处理，请稍候", "Still working on it: wait a moment"),
        ["err.duplicate_line"] = ("同一商品重复", "The same product appears twice"),
        ["err.error"] = ("服务暂时不可用", "The service is not available right now"),
    };

    public static bool IsChinese => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh";

    public string this[string key] =>
        Texts.TryGetValue(key, out var t) ? (IsChinese ? t.Zh : t.En) : key;

    public string this[string key, params object?[] args] =>
        string.Format(CultureInfo.CurrentCulture, this[key], args);

    public static bool Has(string key) => Texts.ContainsKey(key);

    public string Status(string status) => Has("status." + status) ? this["status." + status] : status;

    public string Role(string role) => Has("role." + role) ? this["role." + role] : role;

    public string Reason(string reason) => Has("reason." + reason) ? this["reason." + reason] : reason;

    /// <summary>The user-facing sentence for an API error code.</summary>
    public string Error(string code) => Has("err." + code) ? this["err." + code] : this["err.error"];

    /// <summary>A field message from the API, in the chosen language.</summary>
    public string FieldMessage(string code, string? serverMessage)
    {
        if (code != "validation_failed" && Has("err." + code))
        {
            return this["err." + code];
        }

        if (serverMessage is null)
        {
            return this["err.invalid"];
        }

        if (!IsChinese)
        {
            return char.ToUpperInvariant(serverMessage[0]) + serverMessage[1..];
        }

        if (serverMessage.Contains("required", StringComparison.OrdinalIgnoreCase) || serverMessage.Contains("must not be empty", StringComparison.OrdinalIgnoreCase))
        {
            return this["err.required"];
        }

        var atMost = AtMost().Match(serverMessage);
        if (atMost.Success)
        {
            return $"最多 {atMost.Groups[1].Value} 个字符";
        }

        var between = Between().Match(serverMessage);
        if (between.Success)
        {
            return $"须在 {between.Groups[1].Value} 到 {between.Groups[2].Value} 之间";
        }

        return serverMessage.Contains("negative", StringComparison.OrdinalIgnoreCase) ? this["err.negative"] : this["err.invalid"];
    }

    [GeneratedRegex(@"at most (\d+) characters")]
    private static partial Regex AtMost();

    [GeneratedRegex(@"between (-?[\d.]+) and (-?[\d.]+)")]
    private static partial Regex Between();

    public string Km(double km) => this["store.km", km < 10 ? km.ToString("0.0", CultureInfo.InvariantCulture) : km.ToString("0", CultureInfo.InvariantCulture)];

    public string Time(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), China).ToString(IsChinese ? "M月d日 HH:mm" : "d MMM HH:mm", CultureInfo.CurrentCulture);

    public string Clock(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), China).ToString("HH:mm", CultureInfo.InvariantCulture);

    // Shops and customers read times in China Standard Time, whatever the server's zone.
    private static readonly TimeZoneInfo China = FindChina();

    private static TimeZoneInfo FindChina()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("CST", TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");
        }
    }
}

/// <summary>API errors laid out for a form: a message per field (translated) and one for the form as a whole.</summary>
public sealed class FormErrors
{
    private readonly Dictionary<string, string> _fields = new(StringComparer.OrdinalIgnoreCase);

    public string? General { get; private set; }

    public bool Any => General is not null || _fields.Count > 0;

    public string? this[string field] => _fields.TryGetValue(field, out var m) ? m : null;

    public static FormErrors None => new();

    // Errors the API reports without naming a field, placed where the user typed the value.
    private static readonly Dictionary<string, string> CodeFields = new(StringComparer.Ordinal)
    {
        ["phone_taken"] = "phone",
        ["user_not_found"] = "phone",
        ["already_staff"] = "phone",
        ["invalid_credit_code"] = "creditCode",
        ["credit_code_taken"] = "creditCode",
        ["invalid_gtin"] = "gtin",
        ["gtin_taken"] = "gtin",
        ["wrong_pickup_code"] = "pickupCode",
        ["pickup_code_locked"] = "pickupCode",
        ["outside_delivery_area"] = "location",
        ["pickup_not_offered"] = "fulfillment",
    };

    public void Add(string field, string message) => _fields.TryAdd(field, message);

    public void SetGeneral(string message) => General = message;

    /// <summary>Maps the problem's <c>errors</c> onto the form's fields (a field owns its sub-paths: <c>location</c> owns <c>location.lat</c>).</summary>
    public static FormErrors From(ApiException error, UiText t, params string[] fields)
    {
        var result = new FormErrors();
        var unplaced = false;
        foreach (var (path, messages) in error.Problem.Errors ?? [])
        {
            var field = fields.FirstOrDefault(f => string.Equals(path, f, StringComparison.OrdinalIgnoreCase)
                || path.StartsWith(f + ".", StringComparison.OrdinalIgnoreCase)
                || path.StartsWith(f + "[", StringComparison.OrdinalIgnoreCase));
            if (field is null)
            {
                unplaced = true;
                continue;
            }

            result.Add(field, t.FieldMessage(error.Code, messages.FirstOrDefault()));
        }

        if (error.Problem.Errors is null && CodeFields.TryGetValue(error.Code, out var owner) && fields.Contains(owner, StringComparer.OrdinalIgnoreCase))
        {
            result.Add(owner, t.Error(error.Code));
        }

        if (result._fields.Count == 0 || unplaced)
        {
            result.General = t.Error(error.Code);
        }

        return result;
    }
}
