import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AliyunSmsProvider, parseAliyunReceipts, percentEncode, rpcSignature, stringToSign } from './sms-aliyun.ts';
import { parseTencentReceipts, TencentSmsProvider, tc3Authorization, tc3CanonicalRequest, tc3StringToSign } from './sms-tencent.ts';
import { startFakeSmsServer, type FakeSmsServer } from './sms-fake-server.ts';
import type { SmsMessage } from './types.ts';

/**
 * Contract tests of the two SMS services: each signature against the fixed example its
 * documentation publishes, each request's shape and each kind of answer against a fake on loopback.
 */

const MESSAGE: SmsMessage = {
  phone: '13800000003',
  templateKey: 'study',
  params: { title: '学习党章', link: 'https://lianxin.example.cn/m/read/a' },
  text: '您有一条新的学习通知，请点击链接查看',
  outId: '7d1c56a4-3f0e-4b5a-9d44-2a0c1e9e7f10',
};
const AT = new Date('2026-05-04T03:04:05.678Z');

describe('阿里云 RPC signature (HMAC-SHA1, SignatureVersion 1.0)', () => {
  it("reproduces the signature mechanism document's DescribeRegions example (secret testsecret)", () => {
    const params = {
      Timestamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    };
    expect(stringToSign('GET', params)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(rpcSignature('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    // A Signature already among the parameters takes no part in signing.
    expect(rpcSignature('GET', { ...params, Signature: 'old' }, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it("reproduces the SMS document's SendSms example (Chinese signature name, JSON template values)", () => {
    const params = {
      AccessKeyId: 'testId',
      Action: 'SendSms',
      Format: 'XML',
      OutId: '123',
      PhoneNumbers: '15300000001',
      RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007',
      TemplateParam: '{"customer":"test"}',
      Timestamp: '2017-07-12T02:42:19Z',
      Version: '2017-05-25',
    };
    expect(stringToSign('GET', params)).toContain('SignName%3D%25E9%2598%25BF%25E9%2587%258C');
    expect(rpcSignature('GET', params, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('percent-encodes as Aliyun does: space %20, * %2A, ~ kept, UTF-8 in upper case', () => {
    expect(percentEncode("a b*c~d!'()")).toBe('a%20b%2Ac~d%21%27%28%29');
    expect(percentEncode('/=&+:')).toBe('%2F%3D%26%2B%3A');
    expect(percentEncode('派')).toBe('%E6%B4%BE');
  });
});

describe('腾讯云 TC3-HMAC-SHA256', () => {
  // The signature v3 document's example: DescribeInstances on cvm at 1551113065, with the
  // document's masked key (AKID and 32 asterisks / 32 asterisks), whose derived keys it prints.
  const doc = {
    host: 'cvm.tencentcloudapi.com',
    action: 'DescribeInstances',
    service: 'cvm',
    timestamp: 1551113065,
    payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
  };

  it("reproduces the document's canonical request, string to sign and Authorization", () => {
    expect(tc3CanonicalRequest(doc)).toBe(
      [
        'POST',
        '/',
        '',
        'content-type:application/json; charset=utf-8',
        'host:cvm.tencentcloudapi.com',
        'x-tc-action:describeinstances',
        '',
        'content-type;host;x-tc-action',
        '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
      ].join('\n'),
    );
    expect(tc3StringToSign(doc)).toBe('TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84');
    const secretId = `AKID${'*'.repeat(32)}`;
    expect(tc3Authorization(secretId, '*'.repeat(32), doc)).toBe(
      `TC3-HMAC-SHA256 Credential=${secretId}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f`,
    );
  });

  it('dates the credential by UTC, not by the China day (00:44 in Beijing is still the 25th)', () => {
    expect(tc3StringToSign(doc).split('\n')[2]).toBe('2019-02-25/cvm/tc3_request');
  });
});

describe('阿里云 SendSms against a fake on loopback', () => {
  let fake: FakeSmsServer;
  let provider: AliyunSmsProvider;
  beforeAll(async () => {
    fake = await startFakeSmsServer({ Code: 'OK', Message: 'OK', BizId: '900619746936498440^0', RequestId: 'F655A8D5-B967-440B-8683-DAD6FF8DE990' });
  });
  afterAll(async () => fake?.close());
  beforeEach(() => {
    fake.requests.length = 0;
    provider = new AliyunSmsProvider({
      accessKeyId: 'LTAI-test',
      accessKeySecret: 'secret-test',
      signName: '新桥村委会',
      templates: { study: 'SMS_100001' },
      endpoint: fake.url,
      now: () => AT,
      nonce: () => 'nonce-1',
    });
  });

  it('posts a signed form with the number, signature name, template, values and our id; OK is accepted with its BizId', async () => {
    expect(await provider.send(MESSAGE)).toEqual({ ok: true, providerMsgId: '900619746936498440^0' });
    const req = fake.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(req.body));
    expect(form).toMatchObject({
      Action: 'SendSms',
      Version: '2017-05-25',
      Format: 'JSON',
      AccessKeyId: 'LTAI-test',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: 'nonce-1',
      Timestamp: '2026-05-04T03:04:05Z',
      PhoneNumbers: '13800000003',
      SignName: '新桥村委会',
      TemplateCode: 'SMS_100001',
      OutId: MESSAGE.outId,
    });
    expect(JSON.parse(form.TemplateParam!)).toEqual(MESSAGE.params);
    // The fake checks the signature as Aliyun would: over every other parameter, with POST.
    const { Signature, ...rest } = form;
    expect(Signature).toBe(rpcSignature('POST', rest, 'secret-test'));
    // Spaces are %20 on the wire, never "+".
    expect(req.body).not.toMatch(/\+/);
  });

  it('a limit (isv.BUSINESS_LIMIT_CONTROL) is tried again later', async () => {
    fake.reply(200, { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发小时级流控Permits:5' });
    expect(await provider.send(MESSAGE)).toMatchObject({ ok: false, retry: true, error: 'isv.BUSINESS_LIMIT_CONTROL: 触发小时级流控Permits:5', retryAfterMs: 600_000 });
  });

  it('a number or signature Aliyun refuses stops, its code and message kept', async () => {
    fake.reply(200, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' });
    expect(await provider.send(MESSAGE)).toEqual({ ok: false, retry: false, error: 'isv.MOBILE_NUMBER_ILLEGAL: 非法手机号' });
    fake.reply(400, { Code: 'isv.SMS_SIGNATURE_SCENE_ILLEGAL', Message: '签名和模板类型不一致' });
    expect(await provider.send(MESSAGE)).toEqual({ ok: false, retry: false, error: 'isv.SMS_SIGNATURE_SCENE_ILLEGAL: 签名和模板类型不一致' });
    fake.reply(400, { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.' });
    expect(await provider.send(MESSAGE)).toMatchObject({ ok: false, retry: false });
  });

  it('a 5xx, a garbage answer, a broken connection or a timeout is tried again', async () => {
    fake.reply(503, '<html>Service Unavailable</html>');
    expect(await provider.send(MESSAGE)).toMatchObject({ ok: false, retry: true });
    fake.reply(200, '<html>not json</html>');
    expect(await provider.send(MESSAGE)).toMatchObject({ ok: false, retry: true });
    const down = new AliyunSmsProvider({ accessKeyId: 'a', accessKeySecret: 'b', signName: 's', templates: { study: 'SMS_1' }, fetch: () => Promise.reject(new TypeError('fetch failed')) });
    expect(await down.send(MESSAGE)).toMatchObject({ ok: false, retry: true });
    const slow = new AliyunSmsProvider({ accessKeyId: 'a', accessKeySecret: 'b', signName: 's', templates: { study: 'SMS_1' }, fetch: () => Promise.reject(new DOMException('timed out', 'TimeoutError')) });
    expect(await slow.send(MESSAGE)).toMatchObject({ ok: false, retry: true, error: 'aliyun: timeout' });
  });

  it('a template key the tenant has not filed stops without calling Aliyun', async () => {
    expect(await provider.send({ ...MESSAGE, templateKey: 'meeting' })).toMatchObject({ ok: false, retry: false });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('腾讯云 SendSms against a fake on loopback', () => {
  let fake: FakeSmsServer;
  let provider: TencentSmsProvider;
  beforeAll(async () => {
    fake = await startFakeSmsServer({
      Response: {
        SendStatusSet: [{ SerialNo: '5000:1045710669157053657849499619', PhoneNumber: '+8613800000003', Fee: 1, SessionContext: MESSAGE.outId, Code: 'Ok', Message: 'send success', IsoCode: 'CN' }],
        RequestId: 'a0aabda6-cf91-4f3e-a81f-9198114a2279',
      },
    });
  });
  afterAll(async () => fake?.close());
  beforeEach(() => {
    fake.requests.length = 0;
    provider = new TencentSmsProvider({
      secretId: 'AKID-test',
      secretKey: 'key-test',
      sdkAppId: '1400006666',
      signName: '新桥村委会',
      templates: { study: '449739' },
      endpoint: fake.url,
      now: () => AT,
    });
  });

  it('posts the signed JSON request: +86 number, app, signature, template, values in order, our id as SessionContext', async () => {
    expect(await provider.send(MESSAGE)).toEqual({ ok: true, providerMsgId: '5000:1045710669157053657849499619' });
    const req = fake.requests[0]!;
    expect(JSON.parse(req.body)).toEqual({
      PhoneNumberSet: ['+8613800000003'],
      SmsSdkAppId: '1400006666',
      SignName: '新桥村委会',
      TemplateId: '449739',
      TemplateParamSet: ['学习党章', 'https://lianxin.example.cn/m/read/a'],
      SessionContext: MESSAGE.outId,
    });
    expect(req.headers).toMatchObject({
      'x-tc-action': 'SendSms',
      'x-tc-version': '2021-01-11',
      'x-tc-region': 'ap-guangzhou',
      'x-tc-timestamp': String(Math.floor(AT.getTime() / 1000)),
      'content-type': 'application/json; charset=utf-8',
    });
    const timestamp = Math.floor(AT.getTime() / 1000);
    expect(req.headers.authorization).toBe(tc3Authorization('AKID-test', 'key-test', { host: 'sms.tencentcloudapi.com', action: 'SendSms', service: 'sms', timestamp, payload: req.body }));
    expect(req.headers.authorization).toContain('Credential=AKID-test/2026-05-04/sms/tc3_request');
  });

  it("a number refused inside a 200 answer (SendStatusSet's Code) is a failure", async () => {
    fake.reply(200, {
      Response: {
        SendStatusSet: [{ SerialNo: '', PhoneNumber: '+8613800000003', Fee: 0, Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: 'incorrect number format' }],
        RequestId: 'r1',
      },
    });
    expect(await provider.send(MESSAGE)).toEqual({ ok: false, retry: false, error: 'InvalidParameterValue.IncorrectPhoneNumber: incorrect number format' });
    fake.reply(200, { Response: { SendStatusSet: [{ Code: 'LimitExceeded.PhoneNumberDailyLimit', Message: 'the number of sms messages sent from a single mobile number every day exceeds the upper limit' }], RequestId: 'r2' } });
    expect(await provider.send(MESSAGE)).toMatchObject({ ok: false, retry: true, retryAfterMs: 600_000 });
  });

  it('an error answer stops (a wrong key) or is tried again (the service busy)', async () => {
    fake.reply(200, { Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'The provided credentials could not be validated.' }, RequestId: 'r3' } });
    expect(await provider.send(MESSAGE)).toEqual({ ok: false, retry: false, error: 'AuthFailure.SignatureFailure: The provided credentials could not be validated.' });
    fake.reply(200, { Response: { Error: { Code: 'InternalError.Timeout', Message: 'timeout' }, RequestId: 'r4' } });
    expect(await provider.send(MESSAGE)).toMatchObject({ ok: false, retry: true });
    fake.reply(502, 'Bad Gateway');
    expect(await provider.send(MESSAGE)).toMatchObject({ ok: false, retry: true });
  });
});

describe('delivery receipts as the services post them', () => {
  it("reads Aliyun's SmsReport array (documented sample)", () => {
    const body = [
      {
        phone_number: '13900000000',
        send_time: '2017-01-01 11:12:13',
        report_time: '2017-02-02 22:23:24',
        success: true,
        err_code: 'DELIVERED',
        err_msg: '用户接收成功',
        sms_size: '1',
        biz_id: '12345',
        out_id: '67890',
      },
      { phone_number: '13900000001', send_time: '2017-01-01 11:12:13', report_time: '2017-02-02 22:23:25', success: false, err_code: 'MK:0001', err_msg: '空号', sms_size: '1', biz_id: '12346', out_id: '' },
      { nothing: 'to match' },
    ];
    expect(parseAliyunReceipts(body)).toEqual([
      { providerMsgId: '12345', outId: '67890', phone: '13900000000', delivered: true, code: 'DELIVERED', at: new Date('2017-02-02T14:23:24Z') },
      { providerMsgId: '12346', phone: '13900000001', delivered: false, code: 'MK:0001', at: new Date('2017-02-02T14:23:25Z') },
    ]);
    expect(parseAliyunReceipts({ not: 'an array' })).toEqual([]);
  });

  it("reads Tencent's status callback array (documented sample)", () => {
    const body = [
      { user_receive_time: '2015-10-17 08:03:04', nationcode: '86', mobile: '13900000000', report_status: 'SUCCESS', errmsg: 'DELIVRD', description: '用户短信送达成功', sid: 'xxxxxxx' },
      { user_receive_time: '2015-10-17 08:03:05', nationcode: '86', mobile: '13900000001', report_status: 'FAIL', errmsg: 'MI:0013', description: '用户短信送达失败', sid: 'yyyyyyy' },
    ];
    expect(parseTencentReceipts(body)).toEqual([
      { providerMsgId: 'xxxxxxx', phone: '13900000000', delivered: true, code: 'DELIVRD', at: new Date('2015-10-17T00:03:04Z') },
      { providerMsgId: 'yyyyyyy', phone: '13900000001', delivered: false, code: 'MI:0013', at: new Date('2015-10-17T00:03:05Z') },
    ]);
  });
});
