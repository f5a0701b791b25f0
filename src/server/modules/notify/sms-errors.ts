/**
 * What an SMS provider's refusal means, in plain words for the secretary who set it up: the
 * provider's own code stays beside it (for the provider's support), this says what to check.
 */

const WORDS: [RegExp, string][] = [
  [/^(isv\.SMS_SIGNATURE_ILLEGAL|isv\.SMS_SIGN_ILLEGAL|FailedOperation\.SignatureIncorrectOrUnapproved)/, '短信签名不可用：签名未审核通过，或与服务商处登记的不一致'],
  [/^isv\.SMS_SIGNATURE_SCENE_ILLEGAL/, '短信签名与模板的用途不符（如验证码签名用于通知），请在服务商控制台核对'],
  [/^(isv\.SMS_TEMPLATE_ILLEGAL|FailedOperation\.TemplateIncorrectOrUnapproved|InvalidParameterValue\.TemplateParameterFormatError|isv\.TEMPLATE_PARAMS_ILLEGAL|isv\.TEMPLATE_MISSING_PARAMETERS)/, '短信模板不可用：模板未审核通过、编号有误或变量与模板不符'],
  [/^(isv\.SMS_CONTENT_ILLEGAL|FailedOperation\.ContainSensitiveWord)/, '短信内容被服务商拒绝：请用中性的服务通知措辞（如“您有一条新的学习通知，请点击链接查看”）'],
  [/^(isv\.MOBILE_NUMBER_ILLEGAL|InvalidParameterValue\.IncorrectPhoneNumber)/, '手机号码不正确，服务商拒绝发送'],
  [/^(isv\.BUSINESS_LIMIT_CONTROL|isv\.DAY_LIMIT_CONTROL|isv\.MONTH_LIMIT_CONTROL|LimitExceeded\.)/, '发送太频繁或超过了服务商的限额，请稍后再试'],
  [/^(isv\.OUT_OF_SERVICE|isv\.AMOUNT_NOT_ENOUGH|FailedOperation\.InsufficientBalanceInSmsPackage|UnauthorizedOperation\.ServiceSuspendDueToArrears)/, '短信账户余额不足或已停机，请在服务商处充值'],
  [/^(InvalidAccessKeyId|SignatureDoesNotMatch|isv\.ACCOUNT_NOT_EXISTS|isv\.ACCOUNT_ABNORMAL|AuthFailure|isp\.RAM_PERMISSION_DENY|Forbidden\.RAM)/, '密钥不正确或没有短信权限，请核对 AccessKey ID 和密钥'],
  [/^(InvalidParameterValue\.SdkAppIdNotExist|FailedOperation\.MissingSignatureToModify|UnauthorizedOperation\.SmsSdkAppIdVerifyFail)/, '腾讯云短信应用（SdkAppId）不正确，或签名、模板不属于这个应用'],
  [/^(aliyun|tencent): no template/, '没有为这类短信填写模板编号'],
  [/^(aliyun|tencent): timeout/, '短信服务商没有及时应答，请稍后再试'],
  [/^(aliyun|tencent): (network error|HTTP 5|HTTP 429)/, '连不上短信服务商，请检查服务器的网络后再试'],
];

export function smsErrorInWords(error: string): string {
  for (const [pattern, words] of WORDS) if (pattern.test(error)) return words;
  return '短信服务商拒绝了这条短信，请查看下面的错误代码';
}
